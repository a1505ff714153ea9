"""Reads of resettlement passports, scoped by probation.scope. Reading someone else's passport is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from throughgate.core import audit
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.probation import events, scope
from throughgate.probation.passport.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentKind,
    Passport,
    PathwayState,
    PathwayStatus,
    QuestionSet,
    TodoItem,
)
from throughgate.probation.permissions import WORK_RESETTLEMENT


@dataclass(frozen=True)
class Question:
    code: str
    pathway: str
    who: str
    kind: str
    text: str
    choices: list[tuple[str, str]]


def questions_of(question_set: QuestionSet, *, who: str | None = None) -> list[Question]:
    """A question set's questions in the current language (Welsh where the data has it), optionally only one side's."""
    language = "cy" if (get_language() or "en").startswith("cy") else "en"
    found = []
    for raw in question_set.questions:
        if who is not None and raw["who"] != who:
            continue
        choices = [(c["value"], c.get(language) or c["en"]) for c in raw.get("choices", [])]
        found.append(
            Question(raw["code"], raw["pathway"], raw["who"], raw["kind"], raw.get(language) or raw["en"], choices)
        )
    return found


def latest_question_set(*, kind: str) -> QuestionSet:
    question_set = QuestionSet.objects.filter(kind=kind).order_by("-version").first()
    if question_set is None:
        raise LookupError(f"No published question set for {kind}")
    return question_set


def answer_label(question: Question, value: Any) -> str:
    return dict(question.choices).get(str(value), str(value)) if question.choices else str(value)


@dataclass(frozen=True)
class PassportView:
    person: Person
    passport: Passport | None
    pathways: list[PathwayState]
    assessments: list[Assessment]
    todos: list[TodoItem]

    @property
    def open_pathways(self) -> int:
        return sum(1 for state in self.pathways if state.status in OPEN_STATUSES)

    @property
    def needing_support(self) -> list[PathwayState]:
        return [state for state in self.pathways if state.status == PathwayStatus.SUPPORT_REQUIRED]

    @property
    def open_todos(self) -> list[TodoItem]:
        return [item for item in self.todos if item.done_at is None]

    def assessment(self, kind: str) -> Assessment | None:
        return next((a for a in self.assessments if a.kind == kind), None)

    @property
    def immediate_needs(self) -> Assessment | None:
        return self.assessment(AssessmentKind.IMMEDIATE_NEEDS)


def _view(person: Person) -> PassportView:
    passport = Passport.objects.filter(person=person).first()
    if passport is None:
        return PassportView(person, None, [], [], [])
    return PassportView(
        person,
        passport,
        list(passport.pathways.all()),
        list(passport.assessments.select_related("question_set")),
        list(passport.todos.all()),
    )


def own_passport(*, user: User) -> PassportView:
    """The signed-in person's own passport (a resident on a kiosk, or a person on probation)."""
    return _view(scope.own_person(user=user))


def passport_for_staff(*, user: User, establishment: Establishment | None, prison_number: str) -> PassportView:
    """One person's passport for resettlement staff in their prison or the person's practitioner (audited)."""
    person = scope.person_for_staff(user=user, establishment=establishment, prison_number=prison_number)
    audit.record(
        action=events.PASSPORT_VIEWED,
        actor=user,
        subject=person.prison_number,
        purpose="resettlement",
        establishment=establishment.code if establishment and person.establishment_id else "",
    )
    return _view(person)


@dataclass(frozen=True)
class PassportRow:
    person: Person
    passport: Passport | None
    open_pathways: int
    self_answered: bool
    open_todos: int


def passports_in(*, user: User, establishment: Establishment | None) -> list[PassportRow]:
    """Everyone in custody in the establishment, with how far their passport has got (resettlement staff only)."""
    if not user.has_perm(WORK_RESETTLEMENT) or not staff_may_act_in(user, establishment):
        return []
    people: QuerySet[Person] = Person.objects.filter(establishment=establishment)
    passports = {p.person_id: p for p in Passport.objects.filter(person__establishment=establishment)}
    open_counts: dict[int, int] = {}
    for passport_id, status in PathwayState.objects.filter(passport__in=passports.values()).values_list(
        "passport_id", "status"
    ):
        if status in OPEN_STATUSES:
            open_counts[passport_id] = open_counts.get(passport_id, 0) + 1
    answered = set(
        Assessment.objects.filter(passport__in=passports.values(), self_answered_at__isnull=False).values_list(
            "passport_id", flat=True
        )
    )
    todo_counts: dict[int, int] = {}
    for passport_id in TodoItem.objects.filter(passport__in=passports.values(), done_at__isnull=True).values_list(
        "passport_id", flat=True
    ):
        todo_counts[passport_id] = todo_counts.get(passport_id, 0) + 1
    rows = []
    for person in people:
        passport = passports.get(person.pk)
        rows.append(
            PassportRow(
                person,
                passport,
                open_counts.get(passport.pk, 0) if passport else 7,
                bool(passport and passport.pk in answered),
                todo_counts.get(passport.pk, 0) if passport else 0,
            )
        )
    return rows
