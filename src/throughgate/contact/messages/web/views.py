"""Messages pages: the family writes and reads replies (family site); the resident reads released messages and
replies (kiosk); security works the moderation queue and its rules (staff)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.contact.contacts import selectors as contact_selectors
from throughgate.contact.messages import selectors, services
from throughgate.contact.permissions import MODERATE_MESSAGES, USE_CONTACTS, USE_FAMILY_SITE
from throughgate.contact.web.forms import MessageForm, ReasonForm, RuleForm
from throughgate.core.access import requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user

FAMILY_SIGN_IN = "contact:family_sign_in"


@requires(USE_FAMILY_SITE, sign_in=FAMILY_SIGN_IN)
@require_http_methods(["GET", "POST"])
def family_messages(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Write to the person, and read what was sent and the replies."""
    user = acting_user(request)
    contact = contact_selectors.family_contact(user=user, contact_id=contact_id)
    form = MessageForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.message_send(
                user=user, contact=contact, body=form.cleaned_data["body"], idempotency_key=form.cleaned_data["key"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash.success(
                request,
                _("Your message is waiting for a check by the prison.")
                if sent.status == "held"
                else _("Your message is sent."),
            )
            return HttpResponseRedirect(reverse("contact:family_messages", args=[contact.pk]))
    context = {"contact": contact, "form": form, "thread": list(selectors.family_thread(contact=contact))}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/family/messages.html", context, status=status)


@requires(USE_CONTACTS)
def my_messages(request: HttpRequest) -> HttpResponse:
    found = list(selectors.own_messages(user=acting_user(request)))
    return render(request, "contact/my_messages.html", {"messages_in": [m for m in found if m.direction == "in"]})


@requires(USE_CONTACTS)
@require_http_methods(["GET", "POST"])
def my_message(request: HttpRequest, message_id: int) -> HttpResponse:
    user = acting_user(request)
    message = services.message_read(user=user, message_id=message_id)
    form = MessageForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_reply(
                user=user,
                message_id=message.pk,
                body=form.cleaned_data["body"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash.success(request, _("Your reply is sent."))
            return HttpResponseRedirect(reverse("contact:my_messages"))
    form.fields["body"].label = _("Your reply")
    replies = list(message.replies.all())
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "contact/my_message.html", {"message": message, "form": form, "replies": replies}, status=status
    )


@requires(MODERATE_MESSAGES)
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    """Held messages, oldest first, and the rules that hold them."""
    user = acting_user(request)
    place = acting_establishment(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and place is not None:
        try:
            services.rule_add(
                by=user,
                establishment=place,
                pattern=form.cleaned_data["pattern"],
                is_regex=form.cleaned_data["is_regex"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash.success(request, _("Rule added."))
            return HttpResponseRedirect(reverse("contact:moderation"))
    context = {
        "held": list(selectors.held_messages(user=user, establishment=place)),
        "rules": list(selectors.rules_of(user=user, establishment=place)),
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/moderation.html", context, status=status)


@requires(MODERATE_MESSAGES)
@require_http_methods(["GET", "POST"])
def moderation_message(request: HttpRequest, message_id: int) -> HttpResponse:
    user = acting_user(request)
    message = selectors.held_message(user=user, establishment=acting_establishment(request), message_id=message_id)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].help_text = _("The sender reads this.")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "release":
                services.message_release(by=user, message=message)
                flash.success(request, _("Message released."))
                return HttpResponseRedirect(reverse("contact:moderation"))
            if form.is_valid():
                services.message_refuse(by=user, message=message, reason=form.cleaned_data["reason"])
                flash.success(request, _("Message refused. The sender can see the reason."))
                return HttpResponseRedirect(reverse("contact:moderation"))
        except DomainError as exc:
            add_domain_error(form, exc)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "contact/moderation_message.html", {"message": message, "form": form}, status=status)
