"""The account plan of one key account: its page, its sections and their rows.

The page (``page_views``) draws every section in the order of the plan; each
section that lists rows of its own supplies its context from
``planning.plan.sections.<name>.section`` and its fragment from
``templates/planning/plan/_<name>.html``. Services live in ``services``.
"""
