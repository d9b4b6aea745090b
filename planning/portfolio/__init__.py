"""The executive's portfolio: three matrices over the key accounts, and what to do with each."""
