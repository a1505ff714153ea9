"""Course routes, in the learning URL namespace."""

from django.urls import path

from throughgate.learning.courses.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("courses/", views.my_courses, name="courses"),
    path("courses/<int:course_id>/", views.course, name="course"),
    # Education staff.
    path("staff/courses/", views.staff_courses, name="staff_courses"),
    path("staff/courses/new/", views.course_edit, name="course_new"),
    path("staff/courses/<int:course_id>/", views.staff_course, name="staff_course"),
    path("staff/courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("staff/places/<int:enrolment_id>/<slug:action>/", views.enrolment_action, name="enrolment_action"),
    path("staff/learners/", views.learner_find, name="learner_find"),
    path("staff/learners/<str:prison_number>/", views.learner, name="learner"),
]
