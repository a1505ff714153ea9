"""Forms of the passport pages. The assessment forms are built from the question set (data), not written by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.probation.passport.models import Pathway, PathwayStatus, QuestionSet
from throughgate.probation.passport.selectors import questions_of


class AnswersForm(GovukForm):
    """One side's questions of an assessment: a choice question as radios, a text question as a text box."""

    def __init__(self, *args: Any, question_set: QuestionSet, who: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions_of(question_set, who=who):
            if question.choices:
                self.fields[question.code] = forms.ChoiceField(
                    label=question.text,
                    choices=question.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer")},
                )
            else:
                self.fields[question.code] = forms.CharField(label=question.text, required=False, max_length=1000)


class StaffAssessmentForm(AnswersForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["complete"] = forms.BooleanField(label=_("The assessment is complete"), required=False)


class PathwaysForm(GovukForm):
    """Every pathway's status on one form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Pathway.choices:
            self.fields[value] = forms.ChoiceField(label=label, choices=PathwayStatus.choices)


class TodoForm(KeyedForm):
    text = forms.CharField(
        label=_("What needs to be done"), max_length=200, error_messages={"required": _("Enter what needs to be done")}
    )
    pathway = forms.ChoiceField(label=_("Pathway"), choices=[("", _("None")), *Pathway.choices], required=False)
    due_on = forms.DateField(
        label=_("Do by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date")},
    )
