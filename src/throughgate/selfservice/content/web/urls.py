"""Routes of the content library, recorded group sessions and notices (added to selfservice.web.urls)."""

from django.urls import path

from throughgate.selfservice.content.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("content/", views.library, name="content_library"),
    path("content/sessions/", views.sessions, name="content_sessions"),
    path("content/<int:item_id>/", views.item, name="content_item"),
    path("content/<int:item_id>/files/<slug:part>/", views.item_file, name="content_file"),
    path("notices/", views.notices, name="notices"),
    # Staff.
    path("content/manage/", views.manage, name="content_manage"),
    path("content/manage/new/", views.content_new, name="content_new"),
    path("content/manage/sessions/new/", views.session_new, name="content_session_new"),
    path("content/manage/<int:item_id>/", views.manage_item, name="content_manage_item"),
    path("content/manage/<int:item_id>/files/<slug:part>/", views.manage_item_file, name="content_manage_file"),
    path("content/manage/<int:item_id>/<slug:action>/", views.manage_item_action, name="content_manage_action"),
    path("notices/manage/", views.notices_manage, name="notices_manage"),
    path("notices/manage/new/", views.notice_new, name="notice_new"),
    path("notices/manage/<int:notice_id>/", views.notice_edit, name="notice_edit"),
    path("notices/manage/<int:notice_id>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
