"""Forms of the set-up pages (staff who set up self-service in an establishment) and of the finance page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, pounds_field
from throughgate.selfservice.setup.services import MAX_DAYS

NAME_ERRORS = {"required": _("Enter a name."), "max_length": _("Use 100 characters or fewer.")}


def _days_field(label: Any, help_text: Any = "") -> forms.IntegerField:
    message = _("Enter a number of working days from 1 to %(max)s.") % {"max": MAX_DAYS}
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=1,
        max_value=MAX_DAYS,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
    )


def _choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


class DepartmentForm(GovukForm):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages=NAME_ERRORS)
    name_cy = forms.CharField(label=_("Name in Welsh (optional)"), max_length=100, required=False)
    members = forms.TypedMultipleChoiceField(
        label=_("Members"),
        help_text=_("They see this department's apps in their queue."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose members from the staff of this prison.")},
    )
    lead = forms.TypedChoiceField(
        label=_("Lead"),
        help_text=_("Overdue apps go to this person."),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a lead from the staff of this prison.")},
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["members"], list(staff or []))
        _choices(self.fields["lead"], [("", _("Nobody")), *(staff or [])])


class AppTypeForm(GovukForm):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages=NAME_ERRORS)
    name_cy = forms.CharField(label=_("Name in Welsh (optional)"), max_length=100, required=False)
    hint = forms.CharField(
        label=_("Hint (optional)"), help_text=_("A few plain words under the name."), max_length=200, required=False
    )
    hint_cy = forms.CharField(label=_("Hint in Welsh (optional)"), max_length=200, required=False)
    department = forms.TypedChoiceField(
        label=_("Department"),
        coerce=int,
        error_messages={"required": _("Choose a department."), "invalid_choice": _("Choose a department.")},
    )
    response_days = _days_field(_("Working days to answer"), _("Weekends and bank holidays do not count."))
    one_pending = forms.BooleanField(label=_("Only one open app of this type at a time"), required=False)
    active = forms.BooleanField(label=_("Offered to residents"), required=False)

    def __init__(self, *args: Any, departments: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["department"], [("", _("Choose a department")), *(departments or [])])


class ComplaintSettingsForm(GovukForm):
    comp1_days = _days_field(_("Working days to answer a complaint (COMP1)"))
    comp1a_days = _days_field(_("Working days to answer an appeal (COMP1A)"))
    comp2_days = _days_field(_("Working days to answer a confidential complaint to the governor (COMP2)"))
    appeal_days = _days_field(
        _("Working days a person has to appeal"), _("Counted from the day the complaint is answered.")
    )
    escalate_to = forms.TypedChoiceField(
        label=_("Overdue complaints go to"),
        help_text=_("Someone who may read confidential complaints, usually the governor."),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose someone who may read confidential complaints.")},
    )

    def __init__(self, *args: Any, governors: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["escalate_to"], [("", _("Nobody")), *(governors or [])])


class CanteenItemForm(GovukForm):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages=NAME_ERRORS)
    name_cy = forms.CharField(label=_("Name in Welsh (optional)"), max_length=100, required=False)
    price = pounds_field(
        _("Price in pounds"),
        max_value=Decimal("100"),
        help_text=_("For example, 1.25"),
        error_messages={
            "required": _("Enter a price."),
            "invalid": _("Enter a price like 1.25."),
            "min_value": _("Enter a price from £0.01 to £100."),
            "max_value": _("Enter a price from £0.01 to £100."),
            "max_decimal_places": _("Enter a price like 1.25."),
        },
    )
    stock = forms.IntegerField(
        label=_("Stock"),
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how many are in stock."),
            "invalid": _("Enter a whole number, like 200."),
            "min_value": _("Enter a stock from 0 to 100000."),
            "max_value": _("Enter a stock from 0 to 100000."),
        },
    )
    active = forms.BooleanField(label=_("On the canteen list"), required=False)

    def clean_price(self) -> int:
        return int(self.cleaned_data["price"] * 100)
