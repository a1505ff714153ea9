"""Receivers: a deactivated account (its sessions end at once), and a scheduled job that failed for good (the staff
who watch the jobs are told)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext

from throughgate.core import schedule
from throughgate.core.access import VIEW_JOBS
from throughgate.identity.models import User


@receiver(schedule.job_failed)
def tell_job_watchers(sender: Any, run: Any, job: Any, **kwargs: Any) -> None:
    """A scheduled job failed for the last time: tell every member of staff who watches the jobs page."""
    from throughgate.identity import selectors, services

    watchers = selectors.staff_holding_anywhere(permission=VIEW_JOBS)
    services.notification_send(
        recipients=watchers,
        kind="core.job.failed",
        key=f"core.job.failed:{run.pk}",
        message=lambda: (
            gettext('The scheduled job "%(job)s" failed. Open the jobs page to see why.') % {"job": job.title}
        ),
        url=reverse("core:jobs"),
    )


@receiver(pre_save, sender=User)
def end_sessions_on_deactivation(sender: Any, instance: User, **kwargs: Any) -> None:
    """An account switched off stops working at once: its sessions are deleted when the change is committed."""
    if instance.pk is None or instance.is_active:
        return
    if User.objects.filter(pk=instance.pk, is_active=True).exists():
        from throughgate.identity import services

        user_id = instance.pk
        transaction.on_commit(lambda: services.sessions_end_for(user_id=user_id))
