"""Routes of money and canteen: a resident's own, the canteen deliveries and the finance page."""

from django.urls import path

from throughgate.selfservice.money.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("money/", views.money, name="money"),
    path("money/<slug:kind>/", views.statement, name="statement"),
    path("canteen/", views.canteen, name="canteen"),
    path("canteen/orders/<int:order_id>/", views.canteen_order, name="canteen_order"),
    # Staff.
    path("canteen/deliveries/", views.canteen_deliveries, name="canteen_deliveries"),
    path("canteen/deliveries/<int:order_id>/", views.canteen_deliver, name="canteen_deliver"),
    path("finance/<str:prison_number>/", views.finance_person, name="finance_person"),
]
