"""Writes of resettlement passports: start one, set a pathway's status, answer an assessment (the person their part
once, staff theirs), and keep the to-do list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.core.idempotency import key_of
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.probation import events
from throughgate.probation.passport.models import (
    Assessment,
    AssessmentKind,
    Passport,
    Pathway,
    PathwayState,
    PathwayStatus,
    QuestionSet,
    TodoItem,
)
from throughgate.probation.passport.question_sets import PUBLISHED
from throughgate.probation.passport.selectors import latest_question_set, questions_of
from throughgate.probation.permissions import SUPERVISE, WORK_RESETTLEMENT


def question_set_for(*, kind: str) -> QuestionSet:
    """The latest published question set of a kind. The published versions (passport/question_sets.py) are loaded by
    a migration; they are written again here if missing (a database emptied by a test run, say), never changed."""
    for (published_kind, version), questions in PUBLISHED.items():
        if published_kind == kind:
            QuestionSet.objects.get_or_create(kind=kind, version=version, defaults={"questions": questions})
    return latest_question_set(kind=kind)


def _ensure_staff(by: User) -> None:
    """Resettlement staff in the prison or the person's practitioner (the caller read the passport through a scoped
    selector, which decided whose)."""
    if not by.has_perm(WORK_RESETTLEMENT):
        ensure_can(by, SUPERVISE)


def _establishment(person: Person) -> str:
    return person.establishment.code if person.establishment_id and person.establishment else ""


@transaction.atomic
def passport_ensure(*, person: Person, by: User) -> Passport:
    """The person's passport, started now if they have none: the seven pathways (not started) and the immediate-needs
    assessment with the latest question set. Safe to call again."""
    passport, created = Passport.objects.get_or_create(person=person, defaults={"started_by": by.get_username()})
    if created:
        PathwayState.objects.bulk_create(PathwayState(passport=passport, pathway=p) for p in Pathway.values)
        Assessment.objects.create(
            passport=passport,
            kind=AssessmentKind.IMMEDIATE_NEEDS,
            question_set=question_set_for(kind=AssessmentKind.IMMEDIATE_NEEDS),
        )
        audit.record(
            action=events.PASSPORT_STARTED,
            actor=by,
            subject=person.prison_number,
            obj=passport,
            establishment=_establishment(person),
        )
    return passport


@transaction.atomic
def pre_release_start(*, passport: Passport, by: User) -> Assessment:
    """Open the pre-release assessment (about 12 weeks before release) with the latest question set."""
    _ensure_staff(by)
    assessment, _created = Assessment.objects.get_or_create(
        passport=passport,
        kind=AssessmentKind.PRE_RELEASE,
        defaults={"question_set": question_set_for(kind=AssessmentKind.PRE_RELEASE)},
    )
    return assessment


@transaction.atomic
def pathway_set(*, passport: Passport, by: User, pathway: str, status: str, note: str = "") -> PathwayState:
    _ensure_staff(by)
    if pathway not in Pathway.values:
        raise InvalidInput(_("Choose a pathway"), code="pathway_invalid", field="pathway")
    if status not in PathwayStatus.values:
        raise InvalidInput(_("Choose a status"), code="status_invalid", field="status")
    state = PathwayState.objects.select_for_update().get(passport=passport, pathway=pathway)
    before = state.status
    state.status = status
    state.note = note.strip()[:500]
    state.updated_at = timezone.now()
    state.updated_by = by.get_username()
    state.save()
    audit.record(
        action=events.PATHWAY_UPDATED,
        actor=by,
        subject=passport.person.prison_number,
        obj=state,
        establishment=_establishment(passport.person),
        detail={"pathway": pathway, "from": before, "to": status},
    )
    return state


def _clean_answers(assessment: Assessment, who: str, answers: dict[str, Any]) -> dict[str, str]:
    """Only this side's questions; a choice must be one of its choices; every choice question answered."""
    clean: dict[str, str] = {}
    for question in questions_of(assessment.question_set, who=who):
        value = str(answers.get(question.code, "") or "").strip()
        if question.choices and value not in dict(question.choices):
            raise InvalidInput(_("Choose an answer"), code="answer_missing", field=question.code)
        clean[question.code] = value[:1000]
    return clean


@transaction.atomic
def assessment_answer_self(*, assessment: Assessment, by: User, answers: dict[str, Any]) -> Assessment:
    """The person answers their part of an assessment, once ("tell us once"): a second answer is refused, and staff
    build on the first. Sending the same answers again (a retry) changes nothing."""
    assessment = Assessment.objects.select_for_update().select_related("passport__person").get(pk=assessment.pk)
    person = assessment.passport.person
    if person.user_id != by.pk:
        raise InvalidTransition(_("You can only answer your own questions."), code="not_yours")
    clean = _clean_answers(assessment, "self", answers)
    if assessment.self_answered_at is not None:
        if clean == assessment.self_answers:
            return assessment
        raise InvalidTransition(
            _("You have already answered these questions. Staff can see your answers."), code="already_answered"
        )
    assessment.self_answers = clean
    assessment.self_answered_at = timezone.now()
    assessment.save(update_fields=["self_answers", "self_answered_at"])
    audit.record(
        action=events.ASSESSMENT_SELF_ANSWERED,
        actor=by,
        subject=person.prison_number,
        obj=assessment,
        establishment=_establishment(person),
        detail={"kind": assessment.kind, "version": assessment.question_set.version},
    )
    return assessment


@transaction.atomic
def assessment_answer_staff(
    *, assessment: Assessment, by: User, answers: dict[str, Any], notes: str, complete: bool
) -> Assessment:
    """Staff answer their part (seeing the person's) and may complete the assessment. A completed one is final."""
    _ensure_staff(by)
    assessment = Assessment.objects.select_for_update().select_related("passport__person").get(pk=assessment.pk)
    if assessment.completed_at is not None:
        raise InvalidTransition(_("This assessment is already complete."), code="assessment_complete")
    assessment.staff_answers = _clean_answers(assessment, "staff", answers)
    assessment.staff_notes = notes.strip()[:5000]
    if complete:
        assessment.completed_at = timezone.now()
        assessment.completed_by = by.get_username()
    assessment.save()
    person = assessment.passport.person
    audit.record(
        action=events.ASSESSMENT_STAFF_ANSWERED,
        actor=by,
        subject=person.prison_number,
        obj=assessment,
        establishment=_establishment(person),
        detail={"kind": assessment.kind, "completed": complete},
    )
    return assessment


def todo_add(
    *, passport: Passport, by: User, text: str, pathway: str = "", due_on: date | None = None, key: str | None = None
) -> TodoItem:
    """Staff add an item to the person's to-do list; a retry with the same key adds nothing."""
    _ensure_staff(by)
    text = text.strip()
    if not text:
        raise InvalidInput(_("Enter what needs to be done"), code="text_required", field="text")
    if pathway and pathway not in Pathway.values:
        raise InvalidInput(_("Choose a pathway"), code="pathway_invalid", field="pathway")
    stored_key = key_of(by.pk, key)
    if stored_key and (existing := TodoItem.objects.filter(idempotency_key=stored_key).first()):
        return existing
    try:
        with transaction.atomic():
            item = TodoItem.objects.create(
                passport=passport,
                text=text[:200],
                pathway=pathway,
                due_on=due_on,
                added_by=by.get_username(),
                idempotency_key=stored_key,
            )
            audit.record(
                action=events.TODO_ADDED,
                actor=by,
                subject=passport.person.prison_number,
                obj=item,
                establishment=_establishment(passport.person),
            )
    except IntegrityError:
        return TodoItem.objects.get(idempotency_key=stored_key)
    return item


@transaction.atomic
def todo_done(*, item: TodoItem, by: User) -> TodoItem:
    """The person or staff tick an item off."""
    item = TodoItem.objects.select_for_update().select_related("passport__person").get(pk=item.pk)
    if item.passport.person.user_id != by.pk:
        _ensure_staff(by)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.done_by = by.get_username()
        item.save(update_fields=["done_at", "done_by"])
        audit.record(
            action=events.TODO_DONE,
            actor=by,
            subject=item.passport.person.prison_number,
            obj=item,
            establishment=_establishment(item.passport.person),
        )
    return item
