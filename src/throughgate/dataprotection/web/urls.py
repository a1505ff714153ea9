from django.urls import path

from throughgate.dataprotection.web import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/<str:prison_number>/", views.person, name="person"),
    path("people/<str:prison_number>/hold/", views.hold_place, name="hold_place"),
    path("holds/<int:hold_id>/lift/", views.hold_lift, name="hold_lift"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/download/", views.download, name="download"),
    path("retention/", views.retention, name="retention"),
]
