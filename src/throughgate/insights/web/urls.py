"""The insights app's pages under /insights/, in one URL namespace: each feature's routes."""

from django.urls import URLPattern, URLResolver

from throughgate.insights.dashboard.web import urls as dashboard

FEATURES = (dashboard,)

app_name = "insights"
urlpatterns: list[URLPattern | URLResolver] = [pattern for feature in FEATURES for pattern in feature.urlpatterns]
