from django.urls import path

from throughgate.core.web import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("jobs/", views.jobs, name="jobs"),
]
