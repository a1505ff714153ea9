"""AIM's staff forms (GOV.UK markup through GovukForm)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import DateField, GovukForm
from throughgate.welfare.models import TriageAction, TriggerKind


class TriageForm(GovukForm):
    action = forms.ChoiceField(
        label=_("What did you do?"),
        choices=TriageAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you did")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw or heard, and what happens next. Required if there is no concern."),
    )
    review_on = DateField(
        label=_("Review date (optional)"),
        required=False,
        help_text=_("When to look at this person again, for example 2026-03-08"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a real date, like 2026-03-08")},
    )


class ReviewForm(GovukForm):
    review_note = forms.CharField(
        label=_("What did you find at the review?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what you found at the review")},
    )


class SettingsForm(GovukForm):
    amber_threshold = forms.FloatField(
        label=_("Amber threshold"), min_value=0.1, max_value=100, help_text=_("A score at or above this is amber")
    )
    red_threshold = forms.FloatField(
        label=_("Red threshold"), min_value=0.2, max_value=200, help_text=_("A score at or above this is red")
    )
    red_budget_per_100 = forms.FloatField(
        label=_("Red budget per 100 people"),
        min_value=0,
        max_value=100,
        help_text=_("At most this many red alerts raised a week"),
    )
    amber_budget_per_100 = forms.FloatField(
        label=_("Amber budget per 100 people"),
        min_value=0,
        max_value=100,
        help_text=_("At most this many amber alerts raised a week"),
    )
    cooldown_days = forms.IntegerField(
        label=_("Days before a closed alert can be raised again"),
        min_value=0,
        max_value=365,
        help_text=_("A higher colour is raised at once"),
        error_messages={"invalid": _("Enter a number of days from 0 to 365")},
    )
    quiet_days = forms.IntegerField(
        label=_("Days with no new alert after no concern is recorded"),
        min_value=0,
        max_value=365,
        help_text=_("A higher colour is raised at once"),
        error_messages={"invalid": _("Enter a number of days from 0 to 365")},
    )
    reason = forms.CharField(
        label=_("Why are you changing the settings?"),
        max_length=500,
        error_messages={"required": _("Say why you are changing the settings")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        amber, red = data.get("amber_threshold"), data.get("red_threshold")
        if isinstance(amber, float) and isinstance(red, float) and red <= amber:
            self.add_error("red_threshold", _("The red threshold must be higher than the amber threshold"))
        return data


class WingForm(GovukForm):
    wing = forms.ChoiceField(label=_("Wing"), required=False)

    def __init__(self, *args: Any, wings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["wing"]).choices = [("", _("All wings")), *[(w, w) for w in wings]]


class TriggerDateForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What kind of date is it?"),
        choices=TriggerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of date it is")},
    )
    on = DateField(
        label=_("Date"),
        help_text=_("For example 2026-03-08. An anniversary counts every year."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": _("Enter the date"), "invalid": _("Enter a real date, like 2026-03-08")},
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200)
