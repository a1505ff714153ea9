from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.probation.appointments.models import OUTCOMES, AppointmentKind, AppointmentStatus


class BookForm(KeyedForm):
    kind = forms.ChoiceField(label=_("Kind of appointment"), choices=AppointmentKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"required": _("Enter the date and time"), "invalid": _("Enter a real date and time")},
    )
    place = forms.CharField(label=_("Where (optional)"), required=False, max_length=200)


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[(value, label) for value, label in AppointmentStatus.choices if value in OUTCOMES],
    )
    note = forms.CharField(label=_("Note (needed unless they attended)"), required=False, max_length=1000)


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label=_("Can you come?"),
        choices=[("confirm", _("Yes, I can come")), ("change", _("No, I need to change it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer")},
    )
    reason = forms.CharField(
        label=_("If you need to change it, say why"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
