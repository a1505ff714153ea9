from django.urls import path

from throughgate.identity.web import views

app_name = "identity"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.login, name="login"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.logout, name="logout"),
    path("kiosk/", views.kiosk_login, name="kiosk_login"),
    path("kiosk/enrol/", views.kiosk_enrol, name="kiosk_enrol"),
    path("establishment/", views.switch_establishment, name="switch_establishment"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("notifications/", views.notifications, name="notifications"),
]
