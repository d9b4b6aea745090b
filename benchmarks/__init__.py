"""Performance benchmarks (run as scripts; see each module's docstring)."""
