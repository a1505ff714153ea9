from django.urls import path

from throughgate.selfservice.web import complaint_views, money_views, views
from throughgate.selfservice.web import content_urls, timetable_urls

app_name = "selfservice"
urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("apps/", views.my_apps, name="my_apps"),
    path("apps/new/", views.app_new, name="app_new"),
    path("apps/new/<int:type_id>/", views.app_write, name="app_write"),
    path("apps/<int:app_id>/", views.my_app, name="my_app"),
    path("money/", money_views.money, name="money"),
    path("money/<slug:kind>/", money_views.statement, name="statement"),
    path("canteen/", money_views.canteen, name="canteen"),
    path("canteen/orders/<int:order_id>/", money_views.canteen_order, name="canteen_order"),
    path("complaints/", complaint_views.my_complaints, name="my_complaints"),
    path("complaints/new/", complaint_views.complaint_new, name="complaint_new"),
    path("complaints/<int:complaint_id>/", complaint_views.my_complaint, name="my_complaint"),
    path("complaints/<int:complaint_id>/appeal/", complaint_views.complaint_appeal, name="complaint_appeal"),
    # Staff.
    path("complaints/queue/", complaint_views.complaint_queue, name="complaint_queue"),
    path("complaints/queue/<int:complaint_id>/", complaint_views.staff_complaint, name="staff_complaint"),
    path("canteen/deliveries/", money_views.canteen_deliveries, name="canteen_deliveries"),
    path("canteen/deliveries/<int:order_id>/", money_views.canteen_deliver, name="canteen_deliver"),
    path("queue/", views.queue, name="queue"),
    path("queue/assign/", views.queue_assign, name="queue_assign"),
    path("queue/<int:app_id>/", views.staff_app, name="staff_app"),
    path("queue/<int:app_id>/<slug:action>/", views.staff_app_action, name="staff_app_action"),
    path("people/<str:prison_number>/", views.person_history, name="person_history"),
]
urlpatterns += timetable_urls.urlpatterns
urlpatterns += content_urls.urlpatterns
