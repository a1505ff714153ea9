"""Timetable routes, added to the self-service URL namespace by web/urls.py."""

from django.urls import path

from throughgate.selfservice.timetable.web import views

urlpatterns = [
    # People in prison.
    path("timetable/", views.my_timetable, name="my_timetable"),
    # Staff.
    path("timetable/registers/", views.registers, name="timetable_registers"),
    path("timetable/registers/<int:session_id>/", views.register, name="timetable_register"),
    path(
        "timetable/registers/<int:session_id>/<str:prison_number>/",
        views.attendance,
        name="timetable_attendance",
    ),
    path("timetable/activities/", views.activities, name="timetable_activities"),
    path("timetable/activities/<int:activity_id>/", views.activity_detail, name="timetable_activity"),
    path(
        "timetable/activities/<int:activity_id>/schedule/",
        views.activity_schedule,
        name="timetable_schedule",
    ),
    path(
        "timetable/activities/<int:activity_id>/allocate/",
        views.activity_allocate,
        name="timetable_allocate",
    ),
    path(
        "timetable/activities/<int:activity_id>/allocations/<int:allocation_id>/end/",
        views.allocation_end,
        name="timetable_allocation_end",
    ),
    path("timetable/hours/", views.hours, name="timetable_hours"),
]
