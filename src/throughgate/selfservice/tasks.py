"""Background tasks of the self-service app (django-tasks; the database backend in production, run by the worker).

Schedule ``escalate_overdue`` once a day, early in the morning, e.g. from cron:
``uv run throughgate selfservice_escalate`` (runs it now), or enqueue it: ``escalate_overdue.enqueue()``."""

from __future__ import annotations

from django_tasks import task

from throughgate.selfservice.applications import services
from throughgate.selfservice.complaints import services as complaint_services


@task()
def escalate_overdue() -> dict[str, int]:
    """Overdue apps go to their department's lead, overdue complaints to the establishment's governor (each once)."""
    return {
        "apps": services.apps_escalate_overdue(),
        "complaints": complaint_services.complaints_escalate_overdue(),
    }
