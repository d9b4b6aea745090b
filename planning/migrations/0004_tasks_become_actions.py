"""Opportunity tasks become actions: one action list for the whole product.

Every ``OpportunityTask`` row is copied into ``Action`` (the opportunity's
account, the opportunity linked, title, owner, due date and workspace kept;
open stays open, done becomes done on the day the task was created, the only
date a task had), then the table goes. ``OpportunityTask`` lives on as a proxy
of ``Action`` so the opportunity page, its URLs and the task API keep their names.

Backwards, the actions linked to an opportunity become tasks again (in progress
counts as open, dropped as done) and leave the action list.
"""

from typing import Any

import django.db.models.manager
from django.db import migrations

BATCH = 500


def _keep_created_at(model: Any) -> None:
    # The historical model is private to this migration: let the copy keep its dates.
    model._meta.get_field("created_at").auto_now_add = False


def tasks_to_actions(apps: Any, schema_editor: Any) -> None:
    Task = apps.get_model("planning", "OpportunityTask")
    Action = apps.get_model("planning", "Action")
    _keep_created_at(Action)
    tasks = Task._base_manager.using(schema_editor.connection.alias).select_related("opportunity")
    batch: list[Any] = []
    for task in tasks.order_by("pk").iterator(chunk_size=BATCH):
        done = task.status == "done"
        batch.append(
            Action(
                workspace_id=task.workspace_id,
                customer_id=task.opportunity.customer_id,
                opportunity_id=task.opportunity_id,
                title=task.title,
                owner_id=task.owner_id,
                due_date=task.due_date,
                status="done" if done else "open",
                done_on=task.created_at.date() if done else None,
                created_at=task.created_at,
                version=1,
            )
        )
        if len(batch) >= BATCH:
            Action._base_manager.bulk_create(batch)
            batch = []
    if batch:
        Action._base_manager.bulk_create(batch)


def actions_to_tasks(apps: Any, schema_editor: Any) -> None:
    Task = apps.get_model("planning", "OpportunityTask")
    Action = apps.get_model("planning", "Action")
    _keep_created_at(Task)
    actions = Action._base_manager.using(schema_editor.connection.alias).filter(
        opportunity__isnull=False
    )
    Task._base_manager.bulk_create(
        [
            Task(
                workspace_id=action.workspace_id,
                opportunity_id=action.opportunity_id,
                title=action.title,
                owner_id=action.owner_id,
                due_date=action.due_date,
                status="open" if action.status in ("open", "in_progress") else "done",
                created_at=action.created_at,
                version=1,
            )
            for action in actions.order_by("pk").iterator(chunk_size=BATCH)
        ],
        batch_size=BATCH,
    )
    actions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0003_account_plan"),
    ]

    operations = [
        migrations.RunPython(tasks_to_actions, actions_to_tasks),
        migrations.DeleteModel(
            name="OpportunityTask",
        ),
        migrations.CreateModel(
            name="OpportunityTask",
            fields=[],
            options={
                "ordering": ["opportunity", "status", "due_date", "pk"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("planning.action",),
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("dangerously_all_workspaces", django.db.models.manager.Manager()),
            ],
        ),
    ]
