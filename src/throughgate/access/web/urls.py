from django.urls import path

from throughgate.access.web import network, views

app_name = "access"
urlpatterns = [
    path("radius/authorize", network.radius_authorize, name="radius_authorize"),
    path("radius/post-auth", network.radius_post_auth, name="radius_post_auth"),
    path("radius/accounting", network.radius_accounting, name="radius_accounting"),
    path("squid/snapshot", network.squid_snapshot, name="squid_snapshot"),
    path("squid/usage", network.squid_usage, name="squid_usage"),
    path("internet/", views.my_sites, name="my_sites"),
    path("internet/check/", views.check, name="check"),
    path("internet/monitoring/", views.monitoring, name="monitoring"),
    path("internet/devices/", views.devices, name="devices"),
    path("internet/network/", views.network, name="network"),
    path("internet/devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("internet/requests/", views.requests, name="requests"),
    path("internet/requests/<int:pk>/", views.request_review, name="request_review"),
    path("internet/sanctions/<str:prison_number>/", views.sanction, name="sanction"),
    path("internet/catalogue/", views.catalogue, name="catalogue"),
    path("internet/catalogue/<int:pk>/", views.site_detail, name="site_detail"),
    path("internet/groups/", views.groups, name="groups"),
    path("internet/groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("internet/policy/", views.establishment_policy, name="policy"),
    path("internet/unapproved-devices/", views.observations, name="observations"),
    path("internet/unapproved-devices/<int:pk>/", views.observation_detail, name="observation_detail"),
]
