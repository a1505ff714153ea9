"""Forms of the meals pages: the resident's week of picks (one radio group per meal), and the staff forms for menus,
the cut-off and recorded diets."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.selfservice.meals.models import DietReason, Marker, Meal
from throughgate.selfservice.meals.selectors import MealSlot, MealWeek

FIELD_PREFIX = "meal_"


def field_name(slot: str) -> str:
    return f"{FIELD_PREFIX}{slot}"


class MealsForm(KeyedForm):
    """One radio group per meal of the week, offering only the dishes that suit the person. A meal left empty is
    served as the person's default."""

    def __init__(self, *args: Any, week: MealWeek, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots: list[MealSlot] = week.slots
        for slot in self.slots:
            name = field_name(slot.name)
            self.fields[name] = forms.TypedChoiceField(
                label=slot.meal_label,
                choices=[(str(option.pk), option.display_name) for option in slot.options],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose a meal from the list.")},
            )
            if not self.is_bound and slot.chosen is not None:
                self.initial[name] = str(slot.chosen.pk)

    def choices(self) -> dict[str, int | None]:
        return {slot.name: self.cleaned_data.get(field_name(slot.name)) for slot in self.slots if slot.options}


def next_mondays(today: dt.date, taken: set[dt.date], count: int = 8) -> list[tuple[str, str]]:
    """The next Mondays without a menu yet, as choices."""
    monday = today - dt.timedelta(days=today.weekday())
    weeks = [monday + dt.timedelta(weeks=n) for n in range(count + 1)]
    return [
        (week.isoformat(), str(_("Week starting %(day)s")) % {"day": formats.date_format(week, "l j F Y")})
        for week in weeks
        if week not in taken and week >= today - dt.timedelta(days=6)
    ]


class MenuNewForm(GovukForm):
    week_start = forms.ChoiceField(
        label=_("Week"),
        error_messages={"required": _("Choose a week."), "invalid_choice": _("Choose a week.")},
    )
    copy = forms.BooleanField(label=_("Start with the dishes of the last menu"), required=False, initial=True)

    def __init__(self, *args: Any, weeks: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["week_start"]).choices = [("", _("Choose a week")), *(weeks or [])]

    def clean_week_start(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["week_start"])


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class MealSettingsForm(GovukForm):
    cutoff_weekday = forms.TypedChoiceField(
        label=_("Day choices close"),
        help_text=_("In the week before the menu's week."),
        choices=WEEKDAYS,
        coerce=int,
        error_messages={"required": _("Choose a day."), "invalid_choice": _("Choose a day.")},
    )
    cutoff_time = forms.TimeField(
        label=_("Time choices close"),
        help_text=_("24-hour clock, for example 17:00"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"required": _("Enter a time."), "invalid": _("Enter a time like 17:00.")},
    )


class MenuOptionForm(GovukForm):
    meal = forms.ChoiceField(
        label=_("Meal"),
        choices=Meal.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a meal."), "invalid_choice": _("Choose a meal.")},
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        coerce=dt.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day."), "invalid_choice": _("Choose at least one day.")},
    )
    name = forms.CharField(
        label=_("Dish"),
        max_length=100,
        error_messages={"required": _("Enter the name of the dish."), "max_length": _("Use 100 characters or fewer.")},
    )
    name_cy = forms.CharField(
        label=_("Dish in Welsh (optional)"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Use 100 characters or fewer.")},
    )
    markers = forms.MultipleChoiceField(
        label=_("What the dish is"),
        help_text=_("People with a recorded diet only see dishes with every marker their diet needs."),
        choices=Marker.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose markers from the list.")},
    )

    def __init__(self, *args: Any, days: list[dt.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["days"]).choices = [
            (day.isoformat(), formats.date_format(day, "l j F")) for day in days or []
        ]


class DietForm(GovukForm):
    needs = forms.MultipleChoiceField(
        label=_("The diet"),
        help_text=_("Every dish the person picks must be all of these. Choose none to remove the diet."),
        choices=Marker.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=DietReason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose why the person has this diet.")},
    )
    note = forms.CharField(
        label=_("Note for the kitchen (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Use 200 characters or fewer.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("needs") and not data.get("reason"):
            self.add_error("reason", _("Choose why the person has this diet."))
        return data


class DietFindForm(GovukForm):
    prison_number = forms.CharField(
        label=_("Prison number"),
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter a prison number, like A1234BC.")},
    )
