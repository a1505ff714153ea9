"""``{{ entry.action|action_description }}``: an audit action's description in the active language (English or
Welsh), or an empty string for a code no longer registered, so the page can show the code alone."""

from __future__ import annotations

from django import template

from throughgate.core import audit

register = template.Library()


@register.filter
def action_description(code: str) -> str:
    return audit.describe(code) or ""
