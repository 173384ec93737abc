"""Every word and format a person reads, in Vietnamese first and English."""
