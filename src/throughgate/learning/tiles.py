"""Home-page tiles of the learning app."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.learning.permissions import MANAGE_COURSES, USE_COURSES, USE_PASSPORT

register_tile(
    Tile(
        "learning:courses",
        _("Courses"),
        _("Learn something new"),
        "learning/icons/course.svg",
        USE_COURSES,
        "resident",
        70,
    )
)
register_tile(
    Tile(
        "learning:passport",
        _("Skills passport"),
        _("Your badges to show a boss"),
        "learning/icons/badge.svg",
        USE_PASSPORT,
        "resident",
        71,
    )
)
register_tile(
    Tile(
        "learning:staff_courses",
        _("Courses and learners"),
        _("Waiting lists, places, progress, completions and badges"),
        "learning/icons/course.svg",
        MANAGE_COURSES,
        "staff",
        70,
    )
)
