"""Writes for the selling center and SCAP alignment, one module per concept.

- :mod:`.members`: who of us is on the account's selling center;
- :mod:`.interfaces`: interface alignment, function to function;
- :mod:`.connections`: person-to-person connections and the connection level;
- :mod:`.engagement_plans`: how we win over one stakeholder;
- :mod:`.stage_resources`: sales-process alignment, who serves each buying stage.

Every service checks that the objects it links belong to the same workspace
*and* the same key account, and says which one does not in words a KAM
understands. Objects of another workspace never reach a service: pages and the
API look everything up in the request's workspace first (404 otherwise).

Callers import the module they need (``from selling_center.services import
members``); this package re-exports nothing.
"""
