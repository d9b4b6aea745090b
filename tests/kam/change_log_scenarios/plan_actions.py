"""Change-log scenarios of the account plan (actions)."""
