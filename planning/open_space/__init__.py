"""The Open Space of a key account: matrix, critical success factors, UPV.

``selectors`` reads (the whole matrix in a fixed number of queries), ``services``
writes (versioned, validated, feeding UPV back to ``accounts``), ``sales`` sums
last year's sales per cell, ``upv`` splits the open potential into up-sell,
cross-sell and co-creation without touching the database.
"""
