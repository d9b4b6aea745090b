"""Change-log scenarios of the account plan (page)."""
