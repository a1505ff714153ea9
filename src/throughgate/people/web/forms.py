from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm
from throughgate.core.validators import normalise, validate_crn, validate_nhs_number, validate_pnc_id
from throughgate.people.selectors import PURPOSES


class PersonSearchForm(GovukForm):
    query = forms.CharField(
        label=_("Name or prison number"), required=False, max_length=100, help_text=_("For example, A1234BC or Smith")
    )
    crn = forms.CharField(
        label=_("CRN"), required=False, max_length=20, help_text=_("One letter and six digits, like X123456")
    )
    pnc_id = forms.CharField(label=_("PNC ID"), required=False, max_length=20, help_text=_("Like 2012/0052494Q"))
    nhs_number = forms.CharField(
        label=_("NHS number"), required=False, max_length=20, help_text=_("10 digits, like 943 476 5919")
    )

    def clean_crn(self) -> str:
        value = normalise(self.cleaned_data["crn"])
        if value:
            validate_crn(value)
        return value

    def clean_pnc_id(self) -> str:
        value = normalise(self.cleaned_data["pnc_id"])
        if value:
            validate_pnc_id(value)
        return value

    def clean_nhs_number(self) -> str:
        value = normalise(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in ("query", "crn", "pnc_id", "nhs_number")):
            self.add_error("query", _("Enter a name, prison number or another identifier"))
        return data


class PurposeForm(GovukForm):
    purpose = forms.ChoiceField(
        label=_("Why are you opening this record?"),
        choices=list(PURPOSES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are opening this record")},
    )
