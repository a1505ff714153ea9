"""Forms of the skills passport pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm

MAX_UPLOAD = 200_000


class VerifyForm(GovukForm):
    credential = forms.CharField(
        label=_("Paste the credential or its link"),
        help_text=_("The text of the .jwt file, or the link the person gave you."),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
        max_length=MAX_UPLOAD,
        error_messages={"max_length": _("This is too long to be a credential.")},
    )
    upload = forms.FileField(label=_("Or upload the file"), required=False)
    name = forms.CharField(
        label=_("The person's name (optional)"),
        help_text=_("To check that the badge was issued to the person who showed it to you."),
        max_length=120,
        required=False,
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        text = str(cleaned.get("credential") or "")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                self.add_error("upload", _("This file is too big to be a credential."))
                return cleaned
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("upload", _("This file is not a credential: it is not text."))
                return cleaned
        if not text.strip():
            self.add_error("credential", _("Paste a credential, or the link to one."))
        cleaned["text"] = text
        return cleaned


class IssueForm(GovukForm):
    kind = forms.ChoiceField(choices=[("COMPLETION", "COMPLETION"), ("QUALIFICATION", "QUALIFICATION")])


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the badge revoked?"),
        max_length=200,
        error_messages={"required": _("Say why the badge is revoked.")},
    )
