"""Writing services of the account plan, one module per kind of row (``noun_verb``)."""
