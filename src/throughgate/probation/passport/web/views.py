"""Passport pages: a resident's own (kiosk: their pathways, to-do list and the questions they answer once), and the
resettlement staff's (everyone in their prison; one person's passport to build on). The practitioner's case page
shows the same passport and posts to the same actions under its own permission (caseload/web)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.models import User
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.probation.passport import selectors, services
from throughgate.probation.passport.models import Assessment, AssessmentKind, PathwayStatus
from throughgate.probation.passport.web.forms import AnswersForm, PathwaysForm, StaffAssessmentForm, TodoForm
from throughgate.probation.permissions import USE_PASSPORT, WORK_RESETTLEMENT


def answered(assessment: Assessment | None, who: str) -> list[dict[str, str]]:
    """One side's answers of an assessment in words, question by question."""
    if assessment is None:
        return []
    answers = assessment.self_answers if who == "self" else assessment.staff_answers
    return [
        {"question": q.text, "answer": selectors.answer_label(q, answers[q.code]), "pathway": q.pathway}
        for q in selectors.questions_of(assessment.question_set, who=who)
        if answers.get(q.code)
    ]


def passport_context(
    view: selectors.PassportView, *, forms: dict[str, Any] | None = None, action_url: str = "probation:passport_action"
) -> dict[str, Any]:
    """What the staff passport panel shows, and its forms (bound ones passed in when a post was refused). The forms
    post to ``action_url`` (the resettlement page's actions, or the practitioner's)."""
    forms = forms or {}
    context: dict[str, Any] = {"pv": view, "person": view.person, "action_url": action_url}
    if view.passport is None:
        return context
    context["pathways_form"] = forms.get("pathways") or PathwaysForm(
        initial={state.pathway: state.status for state in view.pathways}
    )
    context["todo_form"] = forms.get("todo") or TodoForm()
    assessments = []
    for assessment in view.assessments:
        form = forms.get(f"assessment:{assessment.kind}")
        if form is None and assessment.completed_at is None:
            form = StaffAssessmentForm(
                initial={**assessment.staff_answers, "notes": assessment.staff_notes},
                question_set=assessment.question_set,
                who="staff",
            )
        assessments.append(
            {
                "assessment": assessment,
                "self": answered(assessment, "self"),
                "staff": answered(assessment, "staff"),
                "form": form,
            }
        )
    context["assessments"] = assessments
    context["can_start_pre_release"] = view.assessment(AssessmentKind.PRE_RELEASE) is None
    return context


# --- The resident, on a kiosk ---------------------------------------------------------------------------------


def _own_view(user: User) -> selectors.PassportView:
    """The resident's passport, started on their first visit so that they can answer in their first days."""
    view = selectors.own_passport(user=user)
    if view.passport is None:
        services.passport_ensure(person=view.person, by=user)
        view = selectors.own_passport(user=user)
    return view


@requires(USE_PASSPORT)
def my_passport(request: HttpRequest) -> HttpResponse:
    """Their plan for release: what is done and what is left, and the questions to answer once."""
    user = acting_user(request)
    view = _own_view(user)
    pending = [a for a in view.assessments if a.self_answered_at is None and a.completed_at is None]
    return render(
        request,
        "probation/my_passport.html",
        {"pv": view, "pending": pending, "done": PathwayStatus.DONE},
    )


@requires(USE_PASSPORT)
@require_http_methods(["GET", "POST"])
def my_questions(request: HttpRequest, kind: str) -> HttpResponse:
    """Answer the questions for themself, once. Staff see the answers and build on them."""
    user = acting_user(request)
    view = _own_view(user)
    assessment = view.assessment(kind)
    if assessment is None:
        raise NotVisible(_("No questions found"))
    if assessment.self_answered_at is not None:
        return render(
            request, "probation/my_questions_done.html", {"answers": answered(assessment, "self"), "pv": view}
        )
    form = AnswersForm(request.POST or None, question_set=assessment.question_set, who="self")
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_answer_self(assessment=assessment, by=user, answers=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you. Staff can now see your answers."))
            return HttpResponseRedirect(reverse("probation:my_passport"))
    status = 400 if form.is_bound else 200
    return render(request, "probation/my_questions.html", {"form": form, "assessment": assessment}, status=status)


# --- Resettlement staff -----------------------------------------------------------------------------------------


@requires(WORK_RESETTLEMENT)
def passports(request: HttpRequest) -> HttpResponse:
    rows = selectors.passports_in(user=acting_user(request), establishment=acting_establishment(request))
    return render(request, "probation/passports.html", {"rows": rows})


def _staff_view(request: HttpRequest, prison_number: str) -> selectors.PassportView:
    return selectors.passport_for_staff(
        user=acting_user(request), establishment=acting_establishment(request), prison_number=prison_number
    )


@requires(WORK_RESETTLEMENT)
def passport(request: HttpRequest, prison_number: str) -> HttpResponse:
    view = _staff_view(request, prison_number)
    return render(request, "probation/passport.html", passport_context(view))


@requires(WORK_RESETTLEMENT)
@require_POST
def passport_start(request: HttpRequest, prison_number: str) -> HttpResponse:
    view = _staff_view(request, prison_number)
    services.passport_ensure(person=view.person, by=acting_user(request))
    messages.success(request, _("Passport started."))
    return HttpResponseRedirect(reverse("probation:passport", args=[prison_number]))


def act(
    request: HttpRequest, view: selectors.PassportView, action: str, kind: str, back: str
) -> HttpResponse | dict[str, Any]:
    """Do one passport action posted from a staff page; a redirect to ``back``, or the bound forms to show again."""
    user: User = acting_user(request)
    passport = view.passport
    if passport is None:
        raise NotVisible(_("No passport found"))
    if action == "pathways":
        form: Any = PathwaysForm(request.POST)
        if form.is_valid():
            for state in view.pathways:
                new = form.cleaned_data[state.pathway]
                if new != state.status:
                    services.pathway_set(passport=passport, by=user, pathway=state.pathway, status=new)
            messages.success(request, _("Pathways saved."))
            return HttpResponseRedirect(back)
        return {"pathways": form}
    if action == "todo":
        form = TodoForm(request.POST, request=request)
        if form.is_valid():
            try:
                services.todo_add(
                    passport=passport,
                    by=user,
                    text=form.cleaned_data["text"],
                    pathway=form.cleaned_data["pathway"],
                    due_on=form.cleaned_data["due_on"],
                    key=form.cleaned_data["key"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Added to the to-do list."))
                return HttpResponseRedirect(back)
        return {"todo": form}
    if action == "pre_release":
        services.pre_release_start(passport=passport, by=user)
        return HttpResponseRedirect(back)
    if action == "assessment":
        assessment = view.assessment(kind)
        if assessment is None:
            raise NotVisible(_("No assessment found"))
        form = StaffAssessmentForm(request.POST, question_set=assessment.question_set, who="staff")
        if form.is_valid():
            data = dict(form.cleaned_data)
            notes, complete = data.pop("notes"), data.pop("complete")
            try:
                services.assessment_answer_staff(
                    assessment=assessment, by=user, answers=data, notes=notes, complete=complete
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Assessment saved."))
                return HttpResponseRedirect(back)
        return {f"assessment:{kind}": form}
    if action == "todo_done":
        item = next((t for t in view.todos if str(t.pk) == request.POST.get("item")), None)
        if item is None:
            raise NotVisible(_("No such item"))
        services.todo_done(item=item, by=user)
        return HttpResponseRedirect(back)
    raise NotVisible(_("No such action"))


ACTIONS = ("pathways", "todo", "todo_done", "assessment", "pre_release")


@requires(WORK_RESETTLEMENT)
@require_POST
def passport_action(request: HttpRequest, prison_number: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise NotVisible(_("No such action"))
    view = _staff_view(request, prison_number)
    back = reverse("probation:passport", args=[prison_number])
    result = act(request, view, action, request.POST.get("kind", ""), back)
    if isinstance(result, HttpResponse):
        return result
    return render(request, "probation/passport.html", passport_context(view, forms=result), status=400)
