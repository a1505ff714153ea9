from django.urls import path

from throughgate.selfservice.web import (
    complaint_views,
    content_urls,
    meal_urls,
    money_views,
    setup_views,
    staff_views,
    timetable_urls,
    views,
)

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
    path("people/", staff_views.person_find, name="person_find"),
    path("people/<str:prison_number>/", views.person_history, name="person_history"),
    path("finance/", staff_views.finance_find, name="finance_find"),
    path("finance/<str:prison_number>/", staff_views.finance_person, name="finance_person"),
    # Staff who set up self-service in their establishment.
    path("setup/", setup_views.setup_home, name="setup_home"),
    path("setup/departments/new/", setup_views.setup_department, name="setup_department_new"),
    path("setup/departments/<int:department_id>/", setup_views.setup_department, name="setup_department"),
    path("setup/app-types/new/", setup_views.setup_app_type, name="setup_app_type_new"),
    path("setup/app-types/<int:type_id>/", setup_views.setup_app_type, name="setup_app_type"),
    path("setup/complaints/", setup_views.setup_complaints, name="setup_complaints"),
    path("setup/canteen/new/", setup_views.setup_canteen_item, name="setup_canteen_item_new"),
    path("setup/canteen/<int:item_id>/", setup_views.setup_canteen_item, name="setup_canteen_item"),
]
urlpatterns += timetable_urls.urlpatterns
urlpatterns += content_urls.urlpatterns
urlpatterns += meal_urls.urlpatterns
