from django.urls import path

from throughgate.contact.visits.web import views

urlpatterns = [
    # People in prison.
    path("visits/", views.my_visits, name="my_visits"),
    # Visits staff.
    path("visits/sessions/", views.sessions, name="sessions"),
    path("visits/sessions/new/", views.session_new, name="session_new"),
    path("visits/bookings/", views.bookings, name="bookings"),
    path("visits/book/<str:prison_number>/", views.staff_book, name="staff_book"),
    path("visits/<int:visit_id>/cancel/", views.visit_cancel, name="visit_cancel"),
    # Visits hall.
    path("visits/hall/", views.hall, name="hall"),
    path("visits/hall/<int:visit_id>/", views.hall_visit, name="hall_visit"),
]
