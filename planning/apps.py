from typing import Any

from django.apps import AppConfig


def _refresh_open_space_upv(
    sender: Any, *, workspace_id: int, customer_ids: set[int] | None, **kwargs: Any
) -> None:
    """New or changed sales lines can open or close Open Space cells: refresh their UPV.

    Runs inside the transaction that changed the lines, so the UPV and the sales
    commit together and the scores recompute they both ask for is one run.
    """
    from planning.open_space.services.open_spaces import upv_refresh

    upv_refresh(workspace_id=workspace_id, customer_ids=customer_ids)


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from accounts.signals import sales_lines_changed

        sales_lines_changed.connect(
            _refresh_open_space_upv, dispatch_uid="planning-refresh-open-space-upv"
        )
        _connect_health()
        _connect_pdf()


def _connect_health() -> None:
    """Account health: its job kind, its tasks, its trigger and the accounts list's seam."""
    from accounts.health_seam import register_health_badges
    from accounts.signals import scores_stored
    from kam.changelog.services import entry_recorded
    from kam.jobs.kinds import register_job_kind
    from planning.health import tasks  # noqa: F401  (workers must know the tasks)
    from planning.health.recompute import HEALTH, entries_recorded, scores_stored_received
    from planning.health.selectors import health_badges

    register_job_kind(HEALTH)
    # Every change-log entry about an account asks for a debounced health run.
    entry_recorded.connect(entries_recorded, dispatch_uid="planning-health-entries-recorded")
    # A scores run stores the yearly figures and purchase model health reads.
    scores_stored.connect(scores_stored_received, dispatch_uid="planning-health-scores-stored")
    register_health_badges(health_badges)


def _connect_pdf() -> None:
    """The plan PDF's job kind, and its task for the workers of the ``pdf`` queue."""
    from kam.jobs.kinds import register_job_kind
    from planning.pdf import tasks  # noqa: F401  (workers must know the task)
    from planning.pdf.kinds import PLAN_PDF

    register_job_kind(PLAN_PDF)
