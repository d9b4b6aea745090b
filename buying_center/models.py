"""Models of buying_center (added by its issue)."""
