"""The printable scorecard: one plan's targets as a self-contained HTML page and a PDF."""
