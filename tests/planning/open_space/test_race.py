"""Two people typing into the same empty cell at once, on PostgreSQL: one wins, one is told.

Real transactions on two connections (threads), as the application role under
row-level security (see tests/api/test_concurrency_race.py for the set-up).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_migrate

from kam.concurrency import VersionConflict
from kam.signals import apply_row_level_security
from kam.tenancy.context import workspace_context
from planning.models import OpenSpace, OpenSpaceCell
from planning.open_space.services import cells
from tests.factories import build_world
from tests.planning.open_space.oil_field import cell_at, oil_field_open_space

pytestmark = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="needs concurrent PostgreSQL writers"
)


@pytest.fixture(autouse=True)
def _restore_rls_handler() -> Iterator[None]:
    yield
    post_migrate.connect(apply_row_level_security)


@pytest.fixture
def committed_db(transactional_db: None) -> None:
    post_migrate.disconnect(apply_row_level_security)


def test_the_second_creation_of_a_cell_is_a_conflict_showing_the_first(
    committed_db: None,
) -> None:
    with transaction.atomic():
        world = build_world()
        workspace = world.a.workspace
        with workspace_context(workspace):
            open_space = oil_field_open_space(world.a)
            segment_id, column_id = cell_at(open_space, "Europe", "Drilling")
    first_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def writer(name: str, potential: str, hold_open: bool) -> None:
        try:
            with transaction.atomic(), workspace_context(workspace):
                space = OpenSpace.objects.select_related("customer", "workspace").get(
                    pk=open_space.pk
                )
                if not hold_open:
                    first_wrote.wait(5)
                cells.cell_save(
                    open_space=space,
                    segment_id=segment_id,
                    column_id=column_id,
                    changes={"potential": potential},
                    expected_version=0,
                    user=None,
                )
                if hold_open:
                    first_wrote.set()
                    threading.Event().wait(0.5)
            outcome[name] = "saved"
        except VersionConflict as conflict:
            outcome[name] = ("conflict", conflict.instance.potential)  # type: ignore[attr-defined]
        finally:
            connection.close()

    first = threading.Thread(target=writer, args=("first", "100", True))
    second = threading.Thread(target=writer, args=("second", "200", False))
    first.start()
    second.start()
    first.join(10)
    second.join(10)

    assert outcome == {"first": "saved", "second": ("conflict", Decimal("100.00"))}
    with transaction.atomic(), workspace_context(workspace):
        stored = OpenSpaceCell.objects.get(segment_id=segment_id, column_id=column_id)
    assert (stored.potential, stored.version) == (Decimal("100.00"), 1)
