"""Writes of check-ins: the practitioner sets a schedule; the daily jobs create check-ins as they fall due and expire
those not answered within the grace period (a missed check-in becomes a task); the person answers; the practitioner
reviews. Lifecycle CREATED -> SUBMITTED / EXPIRED -> REVIEWED."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.core.idempotency import key_of
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.people.selectors import practitioners_of
from throughgate.probation import events, notify
from throughgate.probation.caseload.models import PractitionerTask, TaskKind
from throughgate.probation.checkins.models import CheckIn, CheckinSchedule, CheckinStatus, Frequency, HelpTopic
from throughgate.probation.myprobation.models import SignInContact
from throughgate.probation.permissions import SUPERVISE

# A check-in can be answered on the day it is due and for this many working days (Monday to Friday) after it.
GRACE_WORKING_DAYS = 3
# Feeling this bad or worse needs the practitioner's attention.
FEELING_ATTENTION_AT = 2


def expiry_of(due_on: date, *, working_days: int = GRACE_WORKING_DAYS) -> date:
    """The last day a check-in due on ``due_on`` can be answered: the due day plus the grace working days."""
    day = due_on
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@transaction.atomic
def schedule_set(*, by: User, person: Person, every_weeks: int, first_due_on: date) -> CheckinSchedule:
    """Set how often a person on the practitioner's caseload checks in, and when the next one is due."""
    ensure_can(by, SUPERVISE)
    if every_weeks not in Frequency.values:
        raise InvalidInput(_("Choose how often"), code="frequency_invalid", field="every_weeks")
    if first_due_on < timezone.localdate():
        raise InvalidInput(_("The first check-in must be today or later"), code="date_past", field="first_due_on")
    schedule, _created = CheckinSchedule.objects.update_or_create(
        person=person,
        defaults={
            "every_weeks": every_weeks,
            "next_due_on": first_due_on,
            "set_by": by.get_username(),
            "set_at": timezone.now(),
            "active": True,
        },
    )
    audit.record(
        action=events.SCHEDULE_SET,
        actor=by,
        subject=person.prison_number,
        obj=schedule,
        detail={"every_weeks": every_weeks, "first": first_due_on.isoformat()},
    )
    return schedule


def _remind(person: Person, due_on: date) -> None:
    """A text or email to say a check-in is due (to the first contact the person signs in with)."""
    contact = SignInContact.objects.filter(user_id=person.user_id).order_by("channel").first()
    if contact is None or person.user is None:
        return
    with translation.override(person.user.preferred_language or "en"):
        notify.send(
            channel=contact.channel,
            to=contact.address,
            subject=_("Your MyProbation check-in"),
            body=_("You have a check-in to do by %(day)s. Sign in to MyProbation to do it.")
            % {"day": expiry_of(due_on).strftime("%d/%m/%Y")},
        )


def checkins_create(*, today: date) -> int:
    """Make the check-ins that fall due by today for every active schedule of a person on probation, moving each
    schedule on. Safe to repeat: one check-in per person and day."""
    made = 0
    due = CheckinSchedule.objects.filter(active=True, next_due_on__lte=today, person__establishment__isnull=True)
    for schedule in due.select_related("person__user"):
        with transaction.atomic():
            # After days without a run, only the latest due day counts: one check-in, not a backlog of missed ones.
            step = timedelta(weeks=schedule.every_weeks)
            due_on = schedule.next_due_on
            while due_on + step <= today:
                due_on += step
            checkin = None
            try:
                with transaction.atomic():
                    checkin = CheckIn.objects.create(
                        person=schedule.person, due_on=due_on, expires_on=expiry_of(due_on)
                    )
            except IntegrityError:
                pass  # already made (a repeated run)
            CheckinSchedule.objects.filter(pk=schedule.pk).update(next_due_on=due_on + step)
            if checkin is not None:
                made += 1
                person = schedule.person
                transaction.on_commit(partial(_remind, person, checkin.due_on))
    if made:
        audit.record(action=events.CHECKINS_CREATED, detail={"count": made, "day": today.isoformat()})
    return made


def _task(person: Person, kind: str, source: str, due_in: timedelta) -> int:
    made = 0
    for staff in practitioners_of(person=person):
        _task_row, created = PractitionerTask.objects.get_or_create(
            staff=staff,
            source=source,
            defaults={"person": person, "kind": kind, "due_at": timezone.now() + due_in},
        )
        made += int(created)
    return made


def checkins_expire(*, today: date) -> int:
    """Check-ins not answered by the end of their last day are missed: each becomes a task for the person's
    practitioner and a ``checkin.missed`` event. Safe to repeat."""
    expired = 0
    for checkin in CheckIn.objects.filter(status=CheckinStatus.CREATED, expires_on__lt=today).select_related("person"):
        with transaction.atomic():
            changed = CheckIn.objects.filter(pk=checkin.pk, status=CheckinStatus.CREATED).update(
                status=CheckinStatus.EXPIRED
            )
            if not changed:
                continue
            expired += 1
            person = checkin.person
            _task(person, TaskKind.CHECKIN_MISSED, f"checkin:{checkin.pk}", timedelta(days=1))
            activity.emit(
                person=person.prison_number,
                kind=events.CHECKIN_MISSED_KIND,
                occurred_at=timezone.now(),
                source="probation",
                idempotency_key=f"checkin.missed:{checkin.pk}",
                payload={"due_on": checkin.due_on.isoformat()},
            )
            audit.record(
                action=events.CHECKIN_EXPIRED,
                subject=person.prison_number,
                obj=checkin,
                detail={"due_on": checkin.due_on.isoformat()},
            )
    return expired


def attention_reasons(*, feeling: int, help_with: Iterable[str], call_back: bool) -> list[str]:
    """Why a check-in needs the practitioner's attention, as codes (shown in words by the pages)."""
    reasons = []
    if feeling <= FEELING_ATTENTION_AT:
        reasons.append("feeling")
    reasons += [f"help:{topic}" for topic in help_with]
    if call_back:
        reasons.append("call_back")
    return reasons


@transaction.atomic
def checkin_submit(
    *,
    checkin: CheckIn,
    by: User,
    feeling: int,
    help_with: list[str],
    call_back: bool,
    comment: str = "",
    key: str | None = None,
) -> CheckIn:
    """The person answers their check-in. A retry with the same key returns the stored answer."""
    checkin = CheckIn.objects.select_for_update().select_related("person").get(pk=checkin.pk)
    if checkin.person.user_id != by.pk:
        raise InvalidTransition(_("This check-in is not yours."), code="not_yours")
    stored_key = key_of(by.pk, key)
    if stored_key and checkin.submit_key == stored_key:
        return checkin
    if checkin.status != CheckinStatus.CREATED:
        raise InvalidTransition(_("This check-in is already done."), code="checkin_closed")
    if timezone.localdate() > checkin.expires_on:
        raise InvalidTransition(_("This check-in has run out of time."), code="checkin_expired")
    if feeling not in range(1, 6):
        raise InvalidInput(_("Choose how you feel"), code="feeling_required", field="feeling")
    unknown = [topic for topic in help_with if topic not in HelpTopic.values]
    if unknown:
        raise InvalidInput(_("Choose from the list"), code="help_invalid", field="help_with")
    reasons = attention_reasons(feeling=feeling, help_with=help_with, call_back=call_back)
    checkin.status = CheckinStatus.SUBMITTED
    checkin.submitted_at = timezone.now()
    checkin.feeling = feeling
    checkin.help_with = sorted(set(help_with))
    checkin.call_back = call_back
    checkin.comment = comment.strip()[:500]
    checkin.needs_attention = bool(reasons)
    checkin.attention_reasons = reasons
    checkin.submit_key = stored_key
    checkin.save()
    person = checkin.person
    if reasons:
        _task(person, TaskKind.CHECKIN_ATTENTION, f"checkin:{checkin.pk}", timedelta(hours=24))
    activity.emit(
        person=person.prison_number,
        kind=events.CHECKIN_SUBMITTED_KIND,
        occurred_at=checkin.submitted_at,
        source="myprobation",
        idempotency_key=f"checkin.submitted:{checkin.pk}",
        value=float(feeling),
        payload={"needs_attention": bool(reasons)},
    )
    audit.record(
        action=events.CHECKIN_SUBMITTED,
        actor=by,
        subject=person.prison_number,
        obj=checkin,
        detail={"needs_attention": bool(reasons)},
    )
    return checkin


@transaction.atomic
def checkin_review(*, checkin: CheckIn, by: User, note: str) -> CheckIn:
    """The practitioner reviews an answered or missed check-in; its task (if any) is closed with the note."""
    ensure_can(by, SUPERVISE)
    checkin = CheckIn.objects.select_for_update().select_related("person").get(pk=checkin.pk)
    if checkin.status not in (CheckinStatus.SUBMITTED, CheckinStatus.EXPIRED):
        raise InvalidTransition(_("Only an answered or missed check-in can be reviewed."), code="not_reviewable")
    if checkin.needs_attention and not note.strip():
        raise InvalidInput(_("Say what you did about it"), code="note_required", field="note")
    checkin.status = CheckinStatus.REVIEWED
    checkin.reviewed_at = timezone.now()
    checkin.reviewed_by = by.get_username()
    checkin.review_note = note.strip()[:1000]
    checkin.save()
    PractitionerTask.objects.filter(source=f"checkin:{checkin.pk}", done_at__isnull=True).update(
        done_at=checkin.reviewed_at, done_by=by.get_username(), outcome=checkin.review_note[:500]
    )
    audit.record(action=events.CHECKIN_REVIEWED, actor=by, subject=checkin.person.prison_number, obj=checkin)
    return checkin
