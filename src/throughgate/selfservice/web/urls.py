"""The selfservice app's pages under /selfservice/, in one URL namespace: each feature's routes, from its own
``<feature>/web/urls.py``."""

from django.urls import URLPattern, URLResolver

from throughgate.selfservice.applications.web import urls as applications
from throughgate.selfservice.complaints.web import urls as complaints
from throughgate.selfservice.content.web import urls as content
from throughgate.selfservice.history.web import urls as history
from throughgate.selfservice.meals.web import urls as meals
from throughgate.selfservice.money.web import urls as money
from throughgate.selfservice.setup.web import urls as setup
from throughgate.selfservice.timetable.web import urls as timetable

FEATURES = (applications, money, complaints, history, setup, timetable, content, meals)

app_name = "selfservice"
urlpatterns: list[URLPattern | URLResolver] = [pattern for feature in FEATURES for pattern in feature.urlpatterns]
