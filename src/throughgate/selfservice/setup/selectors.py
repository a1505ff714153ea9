"""Reads for the set-up pages of an establishment (departments, app types, complaint deadlines, canteen list). Only
staff who may set up self-service and act in the establishment see them; to anyone else they do not exist."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import establishments_for
from throughgate.selfservice.applications.models import AppType, Department
from throughgate.selfservice.complaints.models import ComplaintSettings
from throughgate.selfservice.money.models import CanteenItem
from throughgate.selfservice.permissions import CONFIGURE, READ_CONFIDENTIAL_COMPLAINTS


def setup_establishment(*, user: User, establishment: Establishment | None) -> Establishment:
    """The establishment the user sets up, if they may; NotVisible otherwise."""
    if (
        establishment is None
        or not user.is_authenticated
        or not user.is_staff_member
        or not user.has_perm(CONFIGURE)
        or not establishments_for(user=user).filter(pk=establishment.pk).exists()
    ):
        raise NotVisible(_("No establishment found"))
    return establishment


def departments_to_set_up(*, user: User, establishment: Establishment | None) -> QuerySet[Department]:
    place = setup_establishment(user=user, establishment=establishment)
    return Department.objects.filter(establishment=place).select_related("lead").prefetch_related("members")


def department_to_set_up(*, user: User, establishment: Establishment | None, department_id: int) -> Department:
    found = departments_to_set_up(user=user, establishment=establishment).filter(pk=department_id).first()
    if found is None:
        raise NotVisible(_("No department found"))
    return found


def app_types_to_set_up(*, user: User, establishment: Establishment | None) -> QuerySet[AppType]:
    place = setup_establishment(user=user, establishment=establishment)
    return AppType.objects.filter(establishment=place).select_related("department")


def app_type_to_set_up(*, user: User, establishment: Establishment | None, type_id: int) -> AppType:
    found = app_types_to_set_up(user=user, establishment=establishment).filter(pk=type_id).first()
    if found is None:
        raise NotVisible(_("No app type found"))
    return found


def canteen_items_to_set_up(*, user: User, establishment: Establishment | None) -> QuerySet[CanteenItem]:
    place = setup_establishment(user=user, establishment=establishment)
    return CanteenItem.objects.filter(establishment=place)


def canteen_item_to_set_up(*, user: User, establishment: Establishment | None, item_id: int) -> CanteenItem:
    found = canteen_items_to_set_up(user=user, establishment=establishment).filter(pk=item_id).first()
    if found is None:
        raise NotVisible(_("No canteen item found"))
    return found


def complaint_settings_to_set_up(*, user: User, establishment: Establishment | None) -> ComplaintSettings:
    """The establishment's complaint deadlines (the defaults, unsaved, until someone changes them)."""
    place = setup_establishment(user=user, establishment=establishment)
    found = ComplaintSettings.objects.filter(establishment=place).first()
    return found or ComplaintSettings(establishment=place)


def staff_of(*, establishment: Establishment) -> list[User]:
    """Active staff who work in the establishment: the people who can be put in a department or lead it."""
    return list(identity_selectors.staff_working_in(establishment=establishment))


def governors_of(*, establishment: Establishment) -> list[User]:
    """Staff of the establishment who may read confidential complaints: who overdue complaints can go to."""
    return [user for user in staff_of(establishment=establishment) if user.has_perm(READ_CONFIDENTIAL_COMPLAINTS)]
