"""Permissions owned by the learning app (granted to roles in identity.roles)."""

from throughgate.core.access import register_permission

USE_COURSES = register_permission(
    "learning.use_courses", "A resident sees the courses in their prison, asks to join, and sees their own learning"
)
USE_PASSPORT = register_permission(
    "learning.use_passport", "A resident sees their skills passport (their badges) and shares it by a link"
)
MANAGE_COURSES = register_permission(
    "learning.manage_courses",
    "Education staff: run the course catalogue, waiting lists and allocations, record assessments, progress and "
    "completions in your establishment",
)
ISSUE_CREDENTIALS = register_permission(
    "learning.issue_credentials", "Issue and revoke skills passport badges (signed Open Badges) in your establishment"
)
