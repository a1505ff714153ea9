"""Forms that render as GOV.UK components: each widget gets the Design System class, its error state and the
aria-describedby that links it to its hint and error message."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from throughgate.core.errors import DomainError
from throughgate.core.idempotency import new_key

WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.TextInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.DateInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
}


# Dates people can mean: a register for the year 9999 or an audit search from the year 1 is a typing slip, and the
# days before or after it cannot be worked out (OverflowError), so such dates are refused next to the field.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


class DateField(forms.DateField):
    """A date field that refuses years nobody means (before 1900, after 2199) with a clear message."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                self.error_messages.get("out_of_range") or _("Enter a date between 1900 and 2199."),
                code="out_of_range",
            )


class GovukForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = WIDGET_CLASSES.get(type(widget), "")
            if css:
                widget.attrs["class"] = " ".join(filter(None, [css, widget.attrs.get("class", "")]))

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_fields()

    def add_error(self, field: str | None, error: Any) -> None:
        """Also after validation: a view that adds an error (a wrong security code, say) gets the same markup."""
        super().add_error(field, error)
        if hasattr(self, "cleaned_data"):
            self._describe_fields()

    def _describe_fields(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            classes = field.widget.attrs.get("class", "").split()
            if self.errors.get(name):
                described.append(f"{bound.auto_id}-error")
                error_class = WIDGET_CLASSES.get(type(field.widget), "govuk-input") + "--error"
                if error_class not in classes:
                    field.widget.attrs["class"] = " ".join([*classes, error_class])
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown on the form: next to its field when the form has one by that name, else on top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# How long a sent form's content is remembered in the session, so that the same content sent again (after Back,
# a reload or from a second tab) replays the first submission instead of storing a second one.
REPEAT_SECONDS = 30 * 60
SESSION_SENT = "keyed_forms_sent"


class KeyedForm(GovukForm):
    """A form whose submission is stored once however often it is sent.

    The key is made when the form is shown, so a retry of the same page (a bad link, a double tap) carries the same
    key. Back, a reload of the form page or a second tab show the form again with a new key while the browser keeps
    the typed text; so, given the ``request``, the form also remembers in the session the key and a fingerprint of
    the content it last sent (per form, for ``REPEAT_SECONDS``), and the same content sent again carries the first
    key: the service replays the first submission and the person sees its result. Different content, or the same
    content sent to another address (the same answer to two apps), is a new submission; so is the same content after
    the window."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    key_field = "key"  # a form that names its key otherwise removes ``key`` (key = None) and names its own here

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        if not self.is_bound:
            self.initial.setdefault(self.key_field, new_key())

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        session = getattr(self.request, "session", None)
        if session is None or self.errors or not self.cleaned_data.get(self.key_field):
            return cleaned
        fingerprint = self._fingerprint()
        sent = dict(session.get(SESSION_SENT) or {})
        # Per form and address: the same answer typed for two different apps is two answers.
        name = f"{type(self).__name__}:{getattr(self.request, 'path', '')}"
        now = time.time()
        previous = sent.get(name)
        if previous and previous["fingerprint"] == fingerprint and now - previous["at"] <= REPEAT_SECONDS:
            self.cleaned_data[self.key_field] = previous["key"]
        else:
            sent = {k: v for k, v in sent.items() if now - v["at"] <= REPEAT_SECONDS}
            sent[name] = {"key": self.cleaned_data[self.key_field], "fingerprint": fingerprint, "at": now}
            session[SESSION_SENT] = sent
        return cleaned

    def _fingerprint(self) -> str:
        """A digest of what the form says (everything but the key), the same for the same content."""
        parts = []
        for name in sorted(self.cleaned_data):
            if name == self.key_field:
                continue
            value = self.cleaned_data[name]
            if hasattr(value, "size") and hasattr(value, "name"):  # an uploaded file: its name and size
                value = (value.name, value.size)
            elif isinstance(value, list | tuple | set):
                value = sorted(map(str, value))
            parts.append(f"{name}={value!s}")
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def pounds_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    """An amount of money typed in pounds and pence (services take pence)."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        **kwargs,
    )
