"""KAMP opportunities: records, CABS, value proposition, value drivers, contributors, tasks."""
