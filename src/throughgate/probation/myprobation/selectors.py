"""Reads for the MyProbation pages: the person's own home (check-ins due, to-do list)."""

from __future__ import annotations

from dataclasses import dataclass

from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.probation import scope
from throughgate.probation.appointments.models import Appointment
from throughgate.probation.appointments.selectors import own_upcoming
from throughgate.probation.checkins.models import CheckIn
from throughgate.probation.checkins.selectors import own_checkins_due
from throughgate.probation.passport.models import TodoItem


@dataclass(frozen=True)
class MyProbationHome:
    person: Person
    checkins_due: list[CheckIn]
    appointments: list[Appointment]
    todos: list[TodoItem]
    done_todos: int


def home_of(*, user: User) -> MyProbationHome:
    person = scope.own_person(user=user)
    todos = list(TodoItem.objects.filter(passport__person=person, done_at__isnull=True).order_by("due_on", "pk"))
    done = TodoItem.objects.filter(passport__person=person, done_at__isnull=False).count()
    return MyProbationHome(person, own_checkins_due(user=user), own_upcoming(user=user), todos, done)


def own_todo(*, user: User, item_id: int) -> TodoItem | None:
    person = scope.own_person(user=user)
    return TodoItem.objects.filter(passport__person=person, pk=item_id).select_related("passport__person").first()
