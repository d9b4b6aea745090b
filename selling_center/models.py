"""Models of selling_center (added by its issue)."""
