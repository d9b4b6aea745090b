"""KAM Workspace project package."""

from kam.celery import app as celery_app

__all__ = ["celery_app"]
