"""Forms of the content library and notices pages (staff). Files are checked again by the service, which reads
their first bytes; the form only says which fields were sent."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import DateField, KeyedForm
from throughgate.selfservice.content.models import ContentCategory, ContentKind, ContentLanguage

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y"]
DATE_HINT = _("For example, 27/3/2026")
EVERY_PRISON = "everywhere"


def _file_input() -> forms.FileInput:
    return forms.FileInput(attrs={"class": "govuk-file-upload"})


class ContentForm(KeyedForm):
    """Add an item to the library (``mode="library"``) or upload a recorded group session (``mode="session"``)."""

    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=ContentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of item it is."), "invalid_choice": _("Choose a kind.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give it a title."), "max_length": _("Use 120 characters or fewer.")},
    )
    summary = forms.CharField(
        label=_("Short description (optional)"),
        help_text=_("One or two plain sentences. People read this on a kiosk."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Use 300 characters or fewer.")},
    )
    category = forms.ChoiceField(
        label=_("Subject"),
        error_messages={"required": _("Choose a subject."), "invalid_choice": _("Choose a subject.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=ContentLanguage.choices,
        initial=ContentLanguage.ENGLISH,
        error_messages={"required": _("Choose a language."), "invalid_choice": _("Choose a language.")},
    )
    language_name = forms.CharField(label=_("Which language? (if not English or Welsh)"), required=False, max_length=40)
    audience = forms.ChoiceField(
        label=_("Who can see it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can see it."), "invalid_choice": _("Choose who can see it.")},
    )
    wing = forms.TypedChoiceField(label=_("Wing"), coerce=int, required=False, empty_value=None)
    group_name = forms.CharField(
        label=_("Name of the group"),
        help_text=_("For example, Thinking Skills group 2"),
        required=False,
        max_length=100,
    )
    members = forms.CharField(
        label=_("Prison numbers of the people in the group"),
        help_text=_("One on each line, or separated by commas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    session_on = DateField(
        label=_("Date of the session"),
        help_text=DATE_HINT,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": _("Enter a real date, like 27/3/2026.")},
    )
    body = forms.CharField(
        label=_("Text of the article"),
        help_text=_("Use short sentences and common words."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, a sound recording (MP3, WAV, M4A, OGG) or a video (MP4, WebM)"),
        required=False,
        widget=_file_input(),
        error_messages={"invalid": _("Choose a file to upload.")},
    )
    captions = forms.FileField(
        label=_("Captions (needed for a video)"),
        help_text=_("A WebVTT file (.vtt) with what is said, for people who cannot hear"),
        required=False,
        widget=_file_input(),
    )
    transcript = forms.CharField(
        label=_("Transcript (needed for a sound recording)"),
        help_text=_("Everything that is said, for people who cannot hear the recording"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    publish = forms.BooleanField(label=_("Publish it now"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        mode: str = "library",
        everywhere: bool = False,
        wings: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mode = mode
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Choose a subject")),
            *ContentCategory.choices,
        ]
        if mode == "session":
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                (ContentKind.AUDIO.value, ContentKind.AUDIO.label),
                (ContentKind.VIDEO.value, ContentKind.VIDEO.label),
            ]
            cast(forms.ChoiceField, self.fields["audience"]).choices = [
                ("wing", _("Everyone on one wing")),
                ("group", _("A named group of people")),
            ]
            cast(forms.ChoiceField, self.fields["wing"]).choices = [("", _("Choose a wing")), *(wings or [])]
            del self.fields["body"]
            self.fields["file"].help_text = _("A sound recording (MP3, WAV, M4A, OGG) or a video (MP4, WebM)")
            self.fields["category"].initial = ContentCategory.EDUCATION
        else:
            audiences = [("library", _("Everyone in this prison"))]
            if everywhere:
                audiences.append((EVERY_PRISON, _("Everyone in every prison")))
            cast(forms.ChoiceField, self.fields["audience"]).choices = audiences
            self.fields["audience"].initial = "library"
            for name in ("wing", "group_name", "members", "session_on"):
                del self.fields[name]

    def member_numbers(self) -> list[str]:
        raw = self.cleaned_data.get("members") or ""
        return [part.strip() for part in raw.replace(",", "\n").splitlines() if part.strip()]


class NoticeForm(KeyedForm):
    wing = forms.TypedChoiceField(
        label=_("Who is it for?"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose who the notice is for.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the notice a title."), "max_length": _("Use 120 characters or fewer.")},
    )
    body = forms.CharField(
        label=_("Notice"),
        help_text=_("Use short sentences and common words. People read this on a kiosk."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the notice."), "max_length": _("Use 2000 characters or fewer.")},
    )
    title_cy = forms.CharField(label=_("Title in Welsh (optional)"), required=False, max_length=120)
    body_cy = forms.CharField(
        label=_("Notice in Welsh (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    starts_on = DateField(
        label=_("Show from"),
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the date the notice starts."),
            "invalid": _("Enter a real date, like 27/3/2026."),
        },
    )
    ends_on = DateField(
        label=_("Show until"),
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the date the notice ends."),
            "invalid": _("Enter a real date, like 27/3/2026."),
        },
    )

    def __init__(
        self, *args: Any, wings: list[tuple[int, str]] | None = None, whole_prison: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("Everyone in this prison"))] if whole_prison else []
        choices += [(pk, _("Wing %(wing)s") % {"wing": name}) for pk, name in wings or []]
        cast(forms.ChoiceField, self.fields["wing"]).choices = choices
        self.fields["wing"].required = not whole_prison
        self.fields["wing"].error_messages["required"] = _("Choose a wing.")
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("starts_on", today.strftime("%d/%m/%Y"))
            self.initial.setdefault("ends_on", (today + dt.timedelta(days=7)).strftime("%d/%m/%Y"))
