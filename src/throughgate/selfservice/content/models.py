"""Content and notices: the content library per establishment, recorded group sessions, wing and estate notices."""

from __future__ import annotations
