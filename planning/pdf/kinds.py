"""The job kind of the plan PDF; registered by ``PlanningConfig.ready``.

Declared apart from the rendering code so registering it imports nothing heavy.
The task name matches the ``*.tasks.render_*_pdf`` route in kam/settings.py, so
with a broker it runs on the workers of the ``pdf`` queue.
"""

from __future__ import annotations

from kam.jobs.kinds import JobKind

#: No start capability: the plan page starts it (planning.pdf.views), never the jobs page.
PLAN_PDF = JobKind(
    name="plan_pdf", task="planning.pdf.tasks.render_plan_pdf", label="Printing the account plan"
)
