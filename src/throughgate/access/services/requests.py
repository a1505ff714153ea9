"""Site requests: a resident asks for a site; security staff approve (adding it to the catalogue) or decline."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.access import events
from throughgate.access.models import (
    RequestStatus,
    Risk,
    Site,
    SiteRequest,
)
from throughgate.access.permissions import REQUEST_SITE, REVIEW_REQUESTS
from throughgate.access.services.catalogue import normalise_address, site_add, site_set_active
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.identity.models import User
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person


def _own_person(user: User) -> Person:
    person = people_selectors.person_of_user(user=user)
    if person is None or not user.is_resident:
        raise NotVisible(_("No record found"))
    return person


def site_request_submit(*, by: User, address: str, reason: str, idempotency_key: str = "") -> SiteRequest:
    """A resident asks for a site, stored as the catalogue would store its address. A retried submission (the
    same person and key) is stored once: the retry gets the first request back."""
    ensure_can(by, REQUEST_SITE)
    person = _own_person(by)
    domain, prefix = normalise_address(address)
    if not reason.strip():
        raise InvalidInput(_("Say why you need this site"), code="reason_required", field="reason")
    if idempotency_key:
        existing = SiteRequest.objects.filter(idempotency_key=idempotency_key, person=person).first()
        if existing is not None:
            return existing
    if SiteRequest.objects.filter(person=person, status=RequestStatus.NEW).count() >= 5:
        raise InvalidInput(
            _("You already have 5 requests waiting. Wait for an answer first."), code="too_many", field="address"
        )
    try:
        with transaction.atomic():
            request = SiteRequest.objects.create(
                person=person,
                address=f"{domain}{prefix}"[:300],
                reason=reason.strip()[:500],
                idempotency_key=idempotency_key or None,
            )
            audit.record(
                action=events.SITE_REQUESTED,
                actor=by,
                subject=person.prison_number,
                obj=request,
                detail={"address": request.address},
            )
    except IntegrityError:
        return SiteRequest.objects.get(person=person, idempotency_key=idempotency_key)
    return request


@transaction.atomic
def site_request_review(
    *,
    by: User,
    request: SiteRequest,
    approve: bool,
    reason: str,
    category: str = "",
    risk: int = Risk.LOW,
    name: str = "",
) -> SiteRequest:
    """Approve (adding the site to the catalogue if it is not there) or decline, always with a reason."""
    ensure_can(by, REVIEW_REQUESTS)
    ensure_in_scope(by, request.person.establishment)
    if request.status != RequestStatus.NEW:
        raise InvalidTransition(_("This request has already been answered"))
    if not reason.strip():
        raise InvalidInput(_("Give a reason the person will see"), code="reason_required", field="reason")
    if approve:
        domain, prefix = normalise_address(request.address)
        site = Site.objects.filter(domain=domain, path_prefix=prefix).first()
        if site is None:
            site = site_add(by=by, name=name or domain, address=request.address, category=category, risk=risk)
        elif not site.active:
            site_set_active(by=by, site=site, active=True, reason=reason)
        request.site = site
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.reviewed_by = by
    request.reviewed_at = timezone.now()
    request.review_reason = reason.strip()[:500]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "site"])
    audit.record(
        action=events.SITE_REQUEST_REVIEWED,
        actor=by,
        subject=request.person.prison_number,
        obj=request,
        detail={"status": request.status, "reason": request.review_reason},
    )
    return request
