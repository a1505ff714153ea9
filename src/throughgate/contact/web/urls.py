"""The contact app's pages in one URL namespace: each feature's routes, from its own ``<feature>/web/urls.py``."""

from django.urls import URLPattern, URLResolver

from throughgate.contact.contacts.web import urls as contacts
from throughgate.contact.family.web import urls as family
from throughgate.contact.messages.web import urls as messages
from throughgate.contact.visits.web import urls as visits

FEATURES = (contacts, visits, messages, family)

app_name = "contact"
urlpatterns: list[URLPattern | URLResolver] = [pattern for feature in FEATURES for pattern in feature.urlpatterns]
