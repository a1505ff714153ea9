"""The release and recall forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.core.errors import DomainError
from throughgate.core.forms import GovukForm
from throughgate.identity.models import Establishment, User
from throughgate.probation.myprobation.services import normalise_contact


class ReleaseForm(GovukForm):
    crn = forms.CharField(
        label=_("CRN"),
        help_text=_("The case reference number: one letter and six digits, like X123456"),
        max_length=7,
        error_messages={"required": _("Enter the CRN")},
    )
    practitioner = forms.ChoiceField(label=_("Probation practitioner"), error_messages={"required": _("Choose one")})
    on = forms.DateField(
        label=_("Release date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the release date"), "invalid": _("Enter a real date")},
    )
    phone = forms.CharField(
        label=_("Mobile number for MyProbation (optional)"),
        required=False,
        max_length=20,
        help_text=_("Their sign-in codes are sent here"),
    )
    email = forms.CharField(label=_("Email address for MyProbation (optional)"), required=False, max_length=254)

    def __init__(self, *args: Any, practitioners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practitioners = {str(user.pk): user for user in practitioners}
        field: Any = self.fields["practitioner"]
        field.choices = [("", _("Choose a practitioner"))] + [
            (str(user.pk), user.get_full_name() or user.username) for user in practitioners
        ]
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())

    def clean_phone(self) -> str:
        raw = str(self.cleaned_data.get("phone") or "")
        if raw.strip():
            try:
                channel, _address = normalise_contact(raw)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
            if channel != "sms":
                raise forms.ValidationError(_("Enter a mobile number like 07700 900123"))
        return raw

    def clean_email(self) -> str:
        raw = str(self.cleaned_data.get("email") or "")
        if raw.strip():
            try:
                channel, _address = normalise_contact(raw)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
            if channel != "email":
                raise forms.ValidationError(_("Enter an email address like name@example.com"))
        return raw


class RecallForm(GovukForm):
    establishment = forms.ModelChoiceField(
        label=_("Prison they go to"),
        queryset=Establishment.objects.filter(active=True),
        error_messages={"required": _("Choose a prison")},
    )
    on = forms.DateField(
        label=_("Date of recall"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date"), "invalid": _("Enter a real date")},
    )
    reason = forms.CharField(
        label=_("Reason for the recall"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason for the recall")},
    )
