"""Routes of the content library, recorded group sessions and notices (added to selfservice.web.urls)."""

from django.urls import path

from throughgate.selfservice.web import content_views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("content/", content_views.library, name="content_library"),
    path("content/sessions/", content_views.sessions, name="content_sessions"),
    path("content/<int:item_id>/", content_views.item, name="content_item"),
    path("content/<int:item_id>/files/<slug:part>/", content_views.item_file, name="content_file"),
    path("notices/", content_views.notices, name="notices"),
    # Staff.
    path("content/manage/", content_views.manage, name="content_manage"),
    path("content/manage/new/", content_views.content_new, name="content_new"),
    path("content/manage/sessions/new/", content_views.session_new, name="content_session_new"),
    path("content/manage/<int:item_id>/", content_views.manage_item, name="content_manage_item"),
    path("content/manage/<int:item_id>/files/<slug:part>/", content_views.manage_item_file, name="content_manage_file"),
    path("content/manage/<int:item_id>/<slug:action>/", content_views.manage_item_action, name="content_manage_action"),
    path("notices/manage/", content_views.notices_manage, name="notices_manage"),
    path("notices/manage/new/", content_views.notice_new, name="notice_new"),
    path("notices/manage/<int:notice_id>/", content_views.notice_edit, name="notice_edit"),
    path("notices/manage/<int:notice_id>/withdraw/", content_views.notice_withdraw, name="notice_withdraw"),
]
