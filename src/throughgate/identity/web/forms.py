from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm
from throughgate.core.validators import normalise, validate_prison_number

# One message for every failure, so the page never tells whether an account exists.
STAFF_FAILURE = _("Enter a correct username and password")
RESIDENT_FAILURE = _("Your prison number or PIN is not right. Try again or ask an officer.")


class StaffLoginForm(GovukForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(GovukForm):
    token = forms.CharField(
        label=_("Security code"),
        help_text=_("The 6-digit code from the authenticator app on your phone"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": _("Enter the security code"),
            "min_length": _("The security code must be 6 digits"),
            "max_length": _("The security code must be 6 digits"),
        },
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The security code must be 6 digits"), code="invalid_token")
        return token


class ResidentLoginForm(GovukForm):
    prison_number = forms.CharField(
        label=_("Your prison number"),
        help_text=_("It looks like A1234BC"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter your prison number")},
    )
    pin = forms.CharField(
        label=_("Your PIN"),
        max_length=12,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
        error_messages={"required": _("Enter your PIN")},
    )

    def clean_prison_number(self) -> str:
        value = normalise(self.cleaned_data["prison_number"])
        validate_prison_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}


class EstablishmentForm(GovukForm):
    establishment = forms.CharField(max_length=3)
    next = forms.CharField(required=False, max_length=500)


class NotificationsReadForm(forms.Form):
    """Mark one notification read (its id), or all of them (no id)."""

    notification = forms.IntegerField(required=False, min_value=1)
