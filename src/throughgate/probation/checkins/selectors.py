"""Reads of check-ins: a person's own, and those of a person on a practitioner's caseload."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.probation import scope
from throughgate.probation.checkins.models import CheckIn, CheckinSchedule, CheckinStatus, HelpTopic


def reason_text(code: str) -> str:
    """A check-in's attention reason in words."""
    if code == "feeling":
        return _("Said they feel bad")
    if code == "call_back":
        return _("Asked for a call back")
    if code.startswith("help:"):
        topic = code.partition(":")[2]
        label = dict(HelpTopic.choices).get(topic, topic)
        return _("Asked for help: %(topic)s") % {"topic": label}
    return code


def own_checkins_due(*, user: User) -> list[CheckIn]:
    """The signed-in person's check-ins they can still do."""
    person = scope.own_person(user=user)
    return list(
        CheckIn.objects.filter(
            person=person, status=CheckinStatus.CREATED, expires_on__gte=timezone.localdate()
        ).order_by("due_on")
    )


def own_checkin(*, user: User, checkin_id: int) -> CheckIn:
    person = scope.own_person(user=user)
    checkin = CheckIn.objects.filter(person=person, pk=checkin_id).first()
    if checkin is None:
        raise NotVisible(_("No check-in found"))
    return checkin


def checkins_of(*, person: Person, limit: int = 20) -> list[CheckIn]:
    """A person's latest check-ins (the caller has read the person through a scoped selector)."""
    return list(CheckIn.objects.filter(person=person).order_by("-due_on")[:limit])


def schedule_of(*, person: Person) -> CheckinSchedule | None:
    return CheckinSchedule.objects.filter(person=person).first()


def checkin_for_practitioner(*, user: User, checkin_id: int) -> CheckIn:
    """A check-in of a person on the practitioner's own caseload."""
    checkin = CheckIn.objects.select_related("person").filter(pk=checkin_id).first()
    if checkin is None:
        raise NotVisible(_("No check-in found"))
    scope.person_for_staff(user=user, establishment=None, prison_number=checkin.person.prison_number)
    return checkin
