"""Permissions owned by the sharing app (granted to roles in identity.roles)."""

from throughgate.core.access import register_permission

REVIEW_LINKS = register_permission(
    "sharing.review_links",
    "Review record links across prison, probation and health: decide, undo, see the linkage model",
)
