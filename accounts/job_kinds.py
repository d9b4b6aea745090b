"""The kinds of background job accounts runs; registered by ``AccountsConfig.ready``.

Declared here, apart from the code that does the work, so that registering
them at start-up (in the web process and in every worker) imports nothing
heavy, and the jobs pages can name a kind before any of its code was loaded.
"""

from __future__ import annotations

from kam.jobs.kinds import JobKind
from kam.permissions import Capability

#: The debounced "scores" job: one run per workspace at a time, one follow-up
#: collecting every change that arrives meanwhile (see kam.jobs.debounce).
#: It also recomputes the per-year customer figures, so a sales-line change
#: needs this one job kind only.
SCORES = JobKind(
    name="scores",
    task="accounts.tasks.recompute_scores",
    label="Recomputing customer scores",
    start_capability=Capability.MANAGE_DATA,
)

#: The figures as a CSV download, started by hand (see accounts.customer_figures).
CUSTOMER_FIGURES = JobKind(
    name="customer_figures",
    task="accounts.tasks.recompute_customer_figures",
    label="Computing customer figures",
    start_capability=Capability.MANAGE_DATA,
)

#: The apply step of an import. Not debounced: every import is its own job,
#: started by the person who checked the file (so no start button on the jobs page).
IMPORT = JobKind(
    name="import", task="accounts.imports.tasks.apply_import", label="Importing a file"
)

#: The check of a large file, started from the mapping page (which then follows it).
CHECK = JobKind(
    name="import_check", task="accounts.imports.tasks.check_import", label="Checking a file"
)

JOB_KINDS = (SCORES, CUSTOMER_FIGURES, IMPORT, CHECK)
