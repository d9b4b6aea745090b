"""Customer valuation and key-account scoring: pure numpy/scipy calculations.

Nothing in this package imports Django (a test checks it), so the same code
runs in a job, a benchmark or a notebook. The modules, by domain concept:

* ``trend``: projected annual contribution margins from a margin history;
* ``clv``: contractual customer lifetime value (discounted margins with
  retention, less acquisition cost) and the validation of its settings;
* ``rfm``: per-customer purchase summaries (frequency, recency, age, spend)
  from raw sales lines;
* ``bgnbd`` and ``gamma_gamma``: the BG/NBD purchase-count model and the
  Gamma-Gamma spend model, fitted by maximum likelihood;
* ``transactional``: customer lifetime value from the two fitted models;
* ``pareto``: concentration of value (cumulative shares, Lorenz curve, Gini);
* ``quadrant``: relationship method (friend, butterfly, stranger, vulture);
* ``scorecard``: the six-criteria key-account scorecard.

Importing the package itself imports nothing heavy; import the module you need.
"""
