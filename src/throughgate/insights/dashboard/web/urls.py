from django.urls import path

from throughgate.insights.dashboard.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("estate/", views.estate, name="estate"),
    path("export.csv", views.export, name="export"),
]
