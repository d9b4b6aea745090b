"""Accounts tests expect the scores recompute to run right after a commit.

That is how the embedded set-up behaves; CI configures a real broker, so the
tests here ask for in-process tasks explicitly (the real-worker path is covered
by tests/jobs/test_worker.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _in_process_tasks(eager_tasks: None) -> None:
    return None
