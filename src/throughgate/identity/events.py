"""Activity kinds of the identity app (registered here, documented in docs/events.md)."""

from throughgate.core import activity

KIOSK_LOGIN = activity.register_kind("kiosk.login", "Signed in on a kiosk or in-cell device")
