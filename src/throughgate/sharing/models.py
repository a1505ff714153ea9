"""The sharing app's models live in its feature packages; Django finds them here."""

from throughgate.sharing.links.models import (  # noqa: F401
    AgencyRecord,
    LinkDecision,
    LinkRun,
    PersonLink,
)
