from django.urls import path

from throughgate.core.web import views

app_name = "core"
urlpatterns = [path("", views.audit_log, name="audit")]
