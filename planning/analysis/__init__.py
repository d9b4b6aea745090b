"""Per-stakeholder analyses of an opportunity: expectations and concerns, decision
criteria, and the challenge scoring of the capture plan."""
