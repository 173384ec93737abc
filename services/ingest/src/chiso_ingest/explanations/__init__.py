"""Owners' explanations of their targets: what was done, the difficulties, the next actions."""
