from django.urls import path

from throughgate.contact.messages.web import views

urlpatterns = [
    path("messages/", views.my_messages, name="my_messages"),
    path("messages/<int:message_id>/", views.my_message, name="my_message"),
    path("messages/moderation/", views.moderation, name="moderation"),
    path("messages/moderation/<int:message_id>/", views.moderation_message, name="moderation_message"),
    path("family/messages/<int:contact_id>/", views.family_messages, name="family_messages"),
]
