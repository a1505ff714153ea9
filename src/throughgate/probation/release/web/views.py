"""Release (resettlement staff, from the passport page) and recall (the practitioner, from the case page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.probation import scope
from throughgate.probation.permissions import RELEASE_PEOPLE, SUPERVISE
from throughgate.probation.release import selectors, services
from throughgate.probation.release.web.forms import RecallForm, ReleaseForm


@requires(RELEASE_PEOPLE)
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    person = scope.person_for_staff(user=user, establishment=establishment, prison_number=prison_number)
    form = ReleaseForm(request.POST or None, practitioners=selectors.practitioners())
    if request.method == "POST" and form.is_valid():
        try:
            services.release_complete(
                by=user,
                establishment=establishment,
                prison_number=prison_number,
                crn=form.cleaned_data["crn"],
                practitioner=form.practitioners[form.cleaned_data["practitioner"]],
                on=form.cleaned_data["on"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is released to probation. Their passport went with them.") % {"name": person.full_name},
            )
            return HttpResponseRedirect(reverse("probation:passports"))
    status = 400 if form.is_bound else 200
    return render(request, "probation/release.html", {"form": form, "person": person}, status=status)


@requires(SUPERVISE)
@require_http_methods(["GET", "POST"])
def recall(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = acting_user(request)
    person = scope.person_for_staff(user=user, establishment=None, prison_number=prison_number)
    form = RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_complete(
                by=user,
                prison_number=prison_number,
                establishment=form.cleaned_data["establishment"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s is recalled to custody.") % {"name": person.full_name})
            return HttpResponseRedirect(reverse("probation:caseload"))
    status = 400 if form.is_bound else 200
    return render(request, "probation/recall.html", {"form": form, "person": person}, status=status)
