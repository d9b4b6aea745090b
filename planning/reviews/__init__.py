"""Review meetings of an account plan: scheduling, the frozen snapshot, closing."""
