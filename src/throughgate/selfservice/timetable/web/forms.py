"""Forms of the timetable pages: setting up activities and weekly sessions, allocating people, taking registers."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import DateField, GovukForm
from throughgate.core.validators import is_valid_prison_number, normalise
from throughgate.selfservice.timetable.models import ActivityCategory, AttendanceCode, Slot
from throughgate.selfservice.timetable.services import WEEKDAY_NAMES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = _("For example, 27/3/2026")


def _date(label: Any, *, required: bool = True, hint: Any = DATE_HINT) -> DateField:
    return DateField(
        label=label,
        required=required,
        help_text=hint,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={"required": _("Enter a date."), "invalid": _("Enter a real date, like 27/3/2026.")},
    )


class ActivityForm(GovukForm):
    name = forms.CharField(label=_("Name"), max_length=100, error_messages={"required": _("Enter a name.")})
    name_cy = forms.CharField(label=_("Name in Welsh (optional)"), max_length=100, required=False)
    code = forms.SlugField(
        label=_("Short code"),
        max_length=30,
        help_text=_("Letters, numbers and dashes, for example workshop-3"),
        error_messages={
            "required": _("Enter a short code."),
            "invalid": _("Use only letters, numbers and dashes."),
        },
    )
    category = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=[("", _("Choose a kind")), *ActivityCategory.choices],
        error_messages={"required": _("Choose a kind of activity."), "invalid_choice": _("Choose a kind of activity.")},
    )
    location = forms.CharField(
        label=_("Where it happens"), max_length=100, error_messages={"required": _("Enter where it happens.")}
    )
    location_cy = forms.CharField(label=_("Where it happens, in Welsh (optional)"), max_length=100, required=False)
    capacity = forms.IntegerField(
        label=_("How many people can take part"),
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": _("Enter how many people can take part."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter how many people can take part, 1 or more."),
            "max_value": _("Enter 500 or fewer."),
        },
    )


class ScheduleForm(GovukForm):
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        coerce=int,
        choices=[("", _("Choose a day")), *((str(n), name) for n, name in WEEKDAY_NAMES.items())],
        error_messages={"required": _("Choose a day of the week."), "invalid_choice": _("Choose a day of the week.")},
    )
    slot = forms.ChoiceField(
        label=_("Time of day"),
        choices=Slot.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time of day."), "invalid_choice": _("Choose a time of day.")},
    )
    start_time = forms.TimeField(
        label=_("Start time (only for another time)"),
        required=False,
        help_text=_("For example, 09:15"),
        widget=forms.TimeInput(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 09:15.")},
    )
    end_time = forms.TimeField(
        label=_("End time (only for another time)"),
        required=False,
        help_text=_("For example, 11:30"),
        widget=forms.TimeInput(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 11:30.")},
    )
    starts_on = _date(_("First date"))
    ends_on = _date(_("Last date (optional)"), required=False)


class AllocateForm(GovukForm):
    prison_number = forms.CharField(
        label=_("Prison number"),
        max_length=10,
        help_text=_("For example, A1234BC"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={"required": _("Enter a prison number.")},
    )
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day (optional)"), required=False)

    def clean_prison_number(self) -> str:
        value = normalise(self.cleaned_data["prison_number"])
        if not is_valid_prison_number(value):
            raise forms.ValidationError(_("Enter a prison number like A1234BC."))
        return value


class EndAllocationForm(GovukForm):
    ends_on = _date(_("Last day on the activity"))
    reason = forms.CharField(
        label=_("Why does it end?"),
        max_length=200,
        error_messages={"required": _("Say why the allocation ends.")},
    )


PAY_CHOICES = [("yes", _("Yes, pay them")), ("no", _("No, do not pay them"))]


class AttendanceForm(GovukForm):
    code = forms.ChoiceField(
        label=_("What happened?"),
        choices=AttendanceCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened."), "invalid_choice": _("Choose what happened.")},
    )
    paid = forms.ChoiceField(
        label=_("Should they be paid? (sick, rest day or other reason)"),
        choices=PAY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Needed for a refusal or another reason. Say what happened."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Use 1000 characters or fewer.")},
    )
    incentive_warning = forms.BooleanField(label=_("An incentive warning was given (refusals only)"), required=False)

    def paid_value(self) -> bool | None:
        value = self.cleaned_data.get("paid")
        return None if not value else value == "yes"


class DayForm(GovukForm):
    date = _date(_("Date"), required=False)


class HoursFilterForm(GovukForm):
    week = _date(_("Week including"), required=False)
    wing = forms.ChoiceField(label=_("Wing"), required=False)

    def __init__(self, *args: Any, wings: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["wing"])
        field.choices = [("", _("All wings")), *((code, code) for code in wings or [])]
