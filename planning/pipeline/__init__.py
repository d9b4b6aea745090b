"""The prioritization matrix and the pipeline across key accounts (read-only views)."""
