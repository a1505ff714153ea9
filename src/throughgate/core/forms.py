"""Forms that render as GOV.UK components: each widget gets the Design System class, its error state and the
aria-describedby that links it to its hint and error message."""

from __future__ import annotations

from typing import Any

from django import forms

WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.TextInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.DateInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
}


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
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if self.errors.get(name):
                described.append(f"{bound.auto_id}-error")
                error_class = WIDGET_CLASSES.get(type(field.widget), "govuk-input") + "--error"
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {error_class}".strip()
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
