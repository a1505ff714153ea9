"""Course pages: residents on the kiosk see their prison's courses and ask to join; education staff run the
catalogue, the waiting lists and the learners, and record assessments, progress and completions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, InvalidInput, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.learning.courses import selectors, services
from throughgate.learning.courses.models import Course, CourseArea, EnrolmentStatus
from throughgate.learning.courses.web.forms import (
    AssessmentForm,
    CompleteForm,
    CourseForm,
    FindLearnerForm,
    JoinForm,
    ProgressForm,
    WithdrawForm,
)
from throughgate.learning.passport import selectors as passport_selectors
from throughgate.learning.passport import services as passport_services
from throughgate.learning.permissions import MANAGE_COURSES, USE_COURSES

# --- Residents --------------------------------------------------------------------------------------------------


@requires(USE_COURSES)
def my_courses(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    mine = list(selectors.enrolments_of_resident(user=user)[:50])
    open_course_ids = {e.course_id for e in mine if e.status in (EnrolmentStatus.REQUESTED, EnrolmentStatus.ALLOCATED)}
    courses = list(selectors.courses_open_to_resident(user=user))
    areas = [
        {"label": label, "courses": [c for c in courses if c.area == code]}
        for code, label in CourseArea.choices
        if any(c.area == code for c in courses)
    ]
    rows = [{"enrolment": e, "position": selectors.waiting_position(e)} for e in mine]
    context = {"rows": rows, "areas": areas, "asked": open_course_ids}
    return render(request, "learning/my_courses.html", context)


def _course_page(request: HttpRequest, course: Course, form: JoinForm | None = None, status: int = 200) -> HttpResponse:
    user = acting_user(request)
    mine = selectors.enrolments_of_resident(user=user).filter(course=course).first()
    context = {
        "course": course,
        "form": form or JoinForm(),
        "mine": mine,
        "position": selectors.waiting_position(mine) if mine else None,
    }
    return render(request, "learning/course.html", context, status=status)


@requires(USE_COURSES)
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.course_for_resident(user=user, course_id=course_id)
    if request.method != "POST":
        return _course_page(request, found)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _course_page(request, found, form, status=400)
    try:
        services.course_request(user=user, course=found, idempotency_key=form.cleaned_data["key"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return _course_page(request, found, form, status=exc.status)
    messages.success(request, _("You are on the waiting list. Education staff will tell you when there is a place."))
    return HttpResponseRedirect(reverse("learning:course", args=[found.pk]))


# --- Staff ------------------------------------------------------------------------------------------------------


@requires(MANAGE_COURSES)
def staff_courses(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.courses_for_staff(user=acting_user(request), establishment=acting_establishment(request)))
    return render(request, "learning/staff_courses.html", {"courses": courses, "find": FindLearnerForm()})


def _course_input(data: dict[str, Any]) -> services.CourseInput:
    return services.CourseInput(**{name: data[name] for name in services.CourseInput.__dataclass_fields__})


@requires(MANAGE_COURSES)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    existing = (
        selectors.course_for_staff(user=user, establishment=establishment, course_id=course_id) if course_id else None
    )
    initial = {}
    if existing is not None:
        initial = {name: getattr(existing, name) for name in services.CourseInput.__dataclass_fields__}
    form = CourseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and establishment is not None:
            try:
                saved = services.course_save(
                    by=user, establishment=establishment, data=_course_input(form.cleaned_data), course=existing
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Course saved."))
                return HttpResponseRedirect(reverse("learning:staff_course", args=[saved.pk]))
        elif establishment is None:
            raise NotVisible(_("Not found"))
    return render(request, "learning/course_edit.html", {"form": form, "course": existing}, status=status)


def _staff_course_page(
    request: HttpRequest, course_id: int, problem: tuple[int, str] | None = None, status: int = 200
) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    found = selectors.course_for_staff(user=user, establishment=establishment, course_id=course_id)
    learners = selectors.course_learners_read(user=user, establishment=establishment, course=found)
    badges = passport_selectors.credentials_of_enrolments(
        enrolment_ids=[row.enrolment.pk for row in learners.completed]
    )
    context = {
        "course": found,
        "learners": learners,
        "completed": [
            {
                "row": row,
                "issued": badges.get(row.enrolment.pk, []),
                "has_completion": any(b.kind == "COMPLETION" for b in badges.get(row.enrolment.pk, [])),
                "has_qualification": any(b.kind == "QUALIFICATION" for b in badges.get(row.enrolment.pk, [])),
            }
            for row in learners.completed
        ],
        "problem_for": problem[0] if problem else None,
        "problem": problem[1] if problem else "",
        "can_issue": user.has_perm("learning.issue_credentials"),
    }
    return render(request, "learning/staff_course.html", context, status=status)


@requires(MANAGE_COURSES)
def staff_course(request: HttpRequest, course_id: int) -> HttpResponse:
    return _staff_course_page(request, course_id)


ACTIONS = ("allocate", "progress", "complete", "withdraw", "issue")


@requires(MANAGE_COURSES)
@require_POST
def enrolment_action(request: HttpRequest, enrolment_id: int, action: str) -> HttpResponse:
    """One change to a person's place, from a button or small form on the course page."""
    user = acting_user(request)
    enrolment = selectors.enrolment_for_staff(
        user=user, establishment=acting_establishment(request), enrolment_id=enrolment_id
    )
    try:
        done = _apply(request, action, enrolment)
    except DomainError as exc:
        return _staff_course_page(request, enrolment.course_id, (enrolment.pk, exc.message), status=exc.status)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("learning:staff_course", args=[enrolment.course_id]) + f"#place-{enrolment.pk}")


def _apply(request: HttpRequest, action: str, enrolment: Any) -> str:
    user = acting_user(request)
    name = f"{enrolment.person.first_name} {enrolment.person.last_name}"
    if action == "allocate":
        services.enrolment_allocate(by=user, enrolment=enrolment)
        return _("%(name)s has a place on the course.") % {"name": name}
    if action == "progress":
        form = ProgressForm(request.POST)
        if not form.is_valid():
            raise InvalidInput(_("Enter a number from 0 to 100."), field="progress")
        services.enrolment_progress(by=user, enrolment=enrolment, progress=form.cleaned_data["progress"])
        return _("Progress saved for %(name)s.") % {"name": name}
    if action == "complete":
        completion = CompleteForm(request.POST)
        completion.is_valid()
        services.enrolment_complete(
            by=user,
            enrolment=enrolment,
            qualification_achieved=bool(completion.cleaned_data.get("qualification_achieved")),
            grade=str(completion.cleaned_data.get("grade") or ""),
        )
        return _("%(name)s has completed the course.") % {"name": name}
    if action == "withdraw":
        ending = WithdrawForm(request.POST)
        if not ending.is_valid():
            raise InvalidInput(_("Say why the place is ending."), field="reason")
        services.enrolment_withdraw(by=user, enrolment=enrolment, reason=ending.cleaned_data["reason"])
        return _("The place has ended.")
    if action == "issue":
        kind = request.POST.get("kind", "COMPLETION")
        passport_services.credential_issue(by=user, enrolment=enrolment, kind=kind)
        return _("Badge issued to %(name)s. They can see it in their skills passport.") % {"name": name}
    raise NotVisible(_("Not found"))


@requires(MANAGE_COURSES)
def learner_find(request: HttpRequest) -> HttpResponse:
    form = FindLearnerForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["prison_number"].strip().upper()
        return HttpResponseRedirect(reverse("learning:learner", args=[number]))
    status = 400 if form.is_bound else 200
    return render(request, "learning/learner_find.html", {"form": form}, status=status)


@requires(MANAGE_COURSES)
@require_http_methods(["GET", "POST"])
def learner(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    person = selectors.learner_for_staff(user=user, establishment=establishment, prison_number=prison_number)
    form = AssessmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and establishment is not None:
            try:
                services.assessment_record(
                    by=user,
                    establishment=establishment,
                    person=person,
                    subject=form.cleaned_data["subject"],
                    level=form.cleaned_data["level"],
                    assessed_on=form.cleaned_data["assessed_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Assessment saved."))
                return HttpResponseRedirect(reverse("learning:learner", args=[person.prison_number]))
    context = {
        "person": person,
        "record": selectors.learning_record(person=person),
        "badges": passport_selectors.credentials_of_person(user=user, establishment=establishment, person=person),
        "form": form,
    }
    return render(request, "learning/learner.html", context, status=status)
