from django.urls import path

from throughgate.welfare.web import views

app_name = "welfare"
urlpatterns = [
    path("", views.daily, name="daily"),
    path("flags/<int:flag_id>/", views.flag, name="flag"),
    path("flags/<int:flag_id>/triage/", views.triage, name="triage"),
    path("flags/<int:flag_id>/dates/", views.trigger_date, name="trigger_date"),
    path("reviews/<int:triage_id>/", views.review, name="review"),
    path("people/<str:prison_number>/", views.history, name="history"),
    path("oversight/", views.governor, name="governor"),
    path("settings/", views.settings_page, name="settings"),
    path("fairness/", views.fairness, name="fairness"),
]
