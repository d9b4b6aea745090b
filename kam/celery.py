"""Celery application. Configuration comes from Django settings (CELERY_*).

Workers: ``celery -A kam worker -Q default,pdf`` (or one worker per queue, so
slow PDF renders never delay recomputes), plus one ``celery -A kam beat`` for
the periodic re-dispatch of jobs that could not be sent while the broker was
down (``kam.jobs.tasks.dispatch_queued``).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")

app = Celery("kam")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Declared here rather than created on first use, so a worker started with
# -Q default,pdf listens to exactly these and a typo in a route fails loudly.
app.conf.task_queues = (
    Queue("default", routing_key="default"),
    Queue("pdf", routing_key="pdf"),
)
app.conf.task_create_missing_queues = False
app.autodiscover_tasks()
