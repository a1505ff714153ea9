"""Check-in forms: the person's survey, the practitioner's schedule and review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.probation.checkins.models import Feeling, Frequency, HelpTopic


class CheckinForm(KeyedForm):
    feeling = forms.TypedChoiceField(
        label=_("How do you feel?"),
        choices=[(value, label) for value, label in reversed(Feeling.choices)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you feel")},
    )
    help_with = forms.MultipleChoiceField(
        label=_("Do you need help with any of these?"),
        help_text=_("Tick all that you need help with"),
        choices=HelpTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    call_back = forms.TypedChoiceField(
        label=_("Do you want us to call you?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say if you want a call")},
    )
    comment = forms.CharField(
        label=_("Is there anything else? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScheduleForm(GovukForm):
    every_weeks = forms.TypedChoiceField(
        label=_("How often"), choices=Frequency.choices, coerce=int, error_messages={"required": _("Choose how often")}
    )
    first_due_on = forms.DateField(
        label=_("Next check-in due"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter a date"), "invalid": _("Enter a real date")},
    )


class ReviewForm(GovukForm):
    note = forms.CharField(
        label=_("What you did (needed when it needs attention)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
