from django.urls import path

from throughgate.people.web import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("me/", views.me, name="me"),
    path("<str:prison_number>/", views.detail, name="detail"),
]
