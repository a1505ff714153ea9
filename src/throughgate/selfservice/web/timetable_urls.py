"""Timetable routes, added to the self-service URL namespace by web/urls.py."""

from django.urls import path

from throughgate.selfservice.web import timetable_views

urlpatterns = [
    # People in prison.
    path("timetable/", timetable_views.my_timetable, name="my_timetable"),
    # Staff.
    path("timetable/registers/", timetable_views.registers, name="timetable_registers"),
    path("timetable/registers/<int:session_id>/", timetable_views.register, name="timetable_register"),
    path(
        "timetable/registers/<int:session_id>/<str:prison_number>/",
        timetable_views.attendance,
        name="timetable_attendance",
    ),
    path("timetable/activities/", timetable_views.activities, name="timetable_activities"),
    path("timetable/activities/<int:activity_id>/", timetable_views.activity_detail, name="timetable_activity"),
    path(
        "timetable/activities/<int:activity_id>/schedule/",
        timetable_views.activity_schedule,
        name="timetable_schedule",
    ),
    path(
        "timetable/activities/<int:activity_id>/allocate/",
        timetable_views.activity_allocate,
        name="timetable_allocate",
    ),
    path(
        "timetable/activities/<int:activity_id>/allocations/<int:allocation_id>/end/",
        timetable_views.allocation_end,
        name="timetable_allocation_end",
    ),
    path("timetable/hours/", timetable_views.hours, name="timetable_hours"),
]
