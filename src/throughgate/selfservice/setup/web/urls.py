"""Routes of the set-up pages, for staff who set up self-service in their establishment."""

from django.urls import path

from throughgate.selfservice.setup.web import views

urlpatterns = [
    path("setup/", views.setup_home, name="setup_home"),
    path("setup/departments/new/", views.setup_department, name="setup_department_new"),
    path("setup/departments/<int:department_id>/", views.setup_department, name="setup_department"),
    path("setup/app-types/new/", views.setup_app_type, name="setup_app_type_new"),
    path("setup/app-types/<int:type_id>/", views.setup_app_type, name="setup_app_type"),
    path("setup/complaints/", views.setup_complaints, name="setup_complaints"),
    path("setup/canteen/new/", views.setup_canteen_item, name="setup_canteen_item_new"),
    path("setup/canteen/<int:item_id>/", views.setup_canteen_item, name="setup_canteen_item"),
]
