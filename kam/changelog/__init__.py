"""The change log: one record of every change to a plan-relevant object.

Foundation code: it knows objects only generically (content type and id, the
key account as an integer id), so it imports no domain app. Domain services
write to it with :func:`kam.changelog.services.change_log_record`; pages and
the API read it through :mod:`kam.changelog.selectors`.
"""
