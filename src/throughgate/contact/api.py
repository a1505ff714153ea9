"""The contact app on the JSON API (/api/v1/contact/): each feature's router."""

from throughgate.contact.contacts.api import router as contacts
from throughgate.contact.messages.api import router as messages
from throughgate.identity.api import Router

ROUTERS: tuple[Router, ...] = (contacts, messages)
