from django.urls import path

from throughgate.sharing.links.web import views

urlpatterns = [
    path("links/", views.queue, name="queue"),
    path("links/<int:link_id>/", views.link, name="link"),
    path("links/<int:link_id>/decide/", views.decide, name="decide"),
    path("links/<int:link_id>/undo/", views.undo, name="undo"),
    path("model/", views.model, name="model"),
]
