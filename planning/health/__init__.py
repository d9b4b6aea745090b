"""Account health: an early-warning signal per key account, with its reasons.

``rules`` is the pure calculation (no Django); the rest gathers its inputs,
stores the result and its history, and shows it.
"""
