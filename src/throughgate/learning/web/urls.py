"""The learning app's pages under /learning/, in one URL namespace: each feature's routes."""

from django.urls import URLPattern, URLResolver

from throughgate.learning.courses.web import urls as courses
from throughgate.learning.passport.web import urls as passport

FEATURES = (courses, passport)

app_name = "learning"
urlpatterns: list[URLPattern | URLResolver] = [pattern for feature in FEATURES for pattern in feature.urlpatterns]
