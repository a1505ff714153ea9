from django.urls import path

from throughgate.contact.family.web import views

urlpatterns = [
    path("family/", views.family_welcome, name="family_welcome"),
    path("family/sign-up/", views.family_sign_up, name="family_sign_up"),
    path("family/confirm/", views.family_confirm, name="family_confirm"),
    path("family/sign-in/", views.family_sign_in, name="family_sign_in"),
    path("family/sign-out/", views.family_sign_out, name="family_sign_out"),
    path("family/home/", views.family_home, name="family_home"),
    path("family/book/<int:contact_id>/", views.family_book, name="family_book"),
    path("family/visits/<int:visit_id>/", views.family_visit, name="family_visit"),
]
