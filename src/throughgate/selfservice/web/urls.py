from django.urls import path

from throughgate.selfservice.web import money_views, views

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
    # Staff.
    path("canteen/deliveries/", money_views.canteen_deliveries, name="canteen_deliveries"),
    path("canteen/deliveries/<int:order_id>/", money_views.canteen_deliver, name="canteen_deliver"),
    path("queue/", views.queue, name="queue"),
    path("queue/assign/", views.queue_assign, name="queue_assign"),
    path("queue/<int:app_id>/", views.staff_app, name="staff_app"),
    path("queue/<int:app_id>/<slug:action>/", views.staff_app_action, name="staff_app_action"),
    path("people/<str:prison_number>/", views.person_history, name="person_history"),
]
