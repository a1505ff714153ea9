"""Template helpers of the probation pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_field(form: Any, name: str) -> Any:
    """A form's bound field by a name held in a variable."""
    return form[name]
