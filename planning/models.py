"""Models of planning (added by its issue)."""
