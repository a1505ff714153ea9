"""Reads of the skills passport: a resident's own badges; education staff's view of their establishment's; and what
anyone may read: the published keys, the status lists, and a credential by the link its holder shares."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.learning.passport.models import Credential, IssuerKey
from throughgate.learning.passport.statuslist import LIST_SIZE
from throughgate.learning.permissions import ISSUE_CREDENTIALS, USE_PASSPORT
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for


def passport_of_resident(*, user: User) -> QuerySet[Credential]:
    person = own_record_for(user=user, permission=USE_PASSPORT)
    return Credential.objects.filter(person=person)


def credential_of_resident(*, user: User, public_id: str) -> Credential:
    credential = passport_of_resident(user=user).filter(public_id=public_id).first()
    if credential is None:
        raise NotVisible(_("No badge found"))
    return credential


def credentials_of_person(*, user: User, establishment: Establishment | None, person: Person) -> list[Credential]:
    """A person's badges, for staff who issue them in the person's establishment."""
    if not user.has_perm(ISSUE_CREDENTIALS) or not staff_may_act_in(user, establishment):
        return []
    if person.establishment_id != getattr(establishment, "pk", None):
        return []
    return list(Credential.objects.filter(person=person))


def credentials_of_enrolments(*, enrolment_ids: list[int]) -> dict[int, list[Credential]]:
    found: dict[int, list[Credential]] = {}
    for credential in Credential.objects.filter(enrolment_id__in=enrolment_ids).order_by("issued_at"):
        found.setdefault(credential.enrolment_id or 0, []).append(credential)
    return found


def credential_for_staff(*, user: User, establishment: Establishment | None, credential_id: int) -> Credential:
    if not user.has_perm(ISSUE_CREDENTIALS) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No badge found"))
    credential = Credential.objects.filter(pk=credential_id, establishment=establishment).first()
    if credential is None:
        raise NotVisible(_("No badge found"))
    return credential


def credential_shared(*, public_id: str) -> Credential | None:
    """A credential by the id in the link its holder shares (public: it shows only what the credential holds)."""
    return Credential.objects.filter(public_id=public_id).first()


def published_keys() -> list[IssuerKey]:
    """Every signing key, current and retired: retired keys stay published so what they signed still verifies."""
    return list(IssuerKey.objects.order_by("created_at", "id"))


def published_key(kid: str) -> IssuerKey | None:
    return IssuerKey.objects.filter(kid=kid).first()


def revoked_indexes(*, list_number: int) -> list[int]:
    """The indexes within one status list whose credentials are revoked."""
    first = (list_number - 1) * LIST_SIZE
    return [
        index - first
        for index in Credential.objects.filter(
            revoked_at__isnull=False, status_index__gte=first, status_index__lt=first + LIST_SIZE
        ).values_list("status_index", flat=True)
    ]


def status_lists_in_use() -> int:
    top = Credential.objects.order_by("-status_index").values_list("status_index", flat=True).first()
    return 0 if top is None else top // LIST_SIZE + 1


def status_at(*, status_index: int) -> bool | None:
    """Whether the credential at a status index is revoked; None if no credential has that index."""
    rows = list(Credential.objects.filter(status_index=status_index).values_list("revoked_at", flat=True)[:1])
    return None if not rows else rows[0] is not None
