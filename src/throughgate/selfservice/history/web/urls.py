"""Routes of the staff search for a person and of one person's self-service history."""

from django.urls import path

from throughgate.selfservice.history.web import views

urlpatterns = [
    path("people/", views.person_find, name="person_find"),
    path("people/<str:prison_number>/", views.person_history, name="person_history"),
    path("finance/", views.finance_find, name="finance_find"),
]
