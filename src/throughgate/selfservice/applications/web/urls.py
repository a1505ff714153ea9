"""Routes of apps: a resident's own, and the staff queues."""

from django.urls import path

from throughgate.selfservice.applications.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("apps/", views.my_apps, name="my_apps"),
    path("apps/new/", views.app_new, name="app_new"),
    path("apps/new/<int:type_id>/", views.app_write, name="app_write"),
    path("apps/<int:app_id>/", views.my_app, name="my_app"),
    # Staff.
    path("queue/", views.queue, name="queue"),
    path("queue/assign/", views.queue_assign, name="queue_assign"),
    path("queue/<int:app_id>/", views.staff_app, name="staff_app"),
    path("queue/<int:app_id>/<slug:action>/", views.staff_app_action, name="staff_app_action"),
]
