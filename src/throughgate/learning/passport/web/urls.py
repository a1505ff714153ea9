"""Skills passport routes, in the learning URL namespace. The public ones (verification, issuer, keys, status lists,
shared credentials) are named in every credential, so their paths must not change."""

from django.urls import path

from throughgate.learning.passport.web import views

urlpatterns = [
    # People in prison.
    path("passport/", views.my_passport, name="passport"),
    path("passport/<uuid:public_id>/", views.my_badge, name="my_badge"),
    # Anyone.
    path("verify/", views.verify, name="verify"),
    path("credentials/<uuid:public_id>/", views.credential_public, name="credential_public"),
    path("credentials/<uuid:public_id>/credential.jwt", views.credential_download, name="credential_download"),
    path("issuer", views.issuer, name="issuer"),
    path("jwks.json", views.jwks, name="jwks"),
    path("keys/<slug:kid>", views.key, name="key"),
    path("status/<int:list_number>", views.status_list, name="status_list"),
    # Education staff.
    path("staff/badges/<int:credential_id>/revoke/", views.credential_revoke, name="credential_revoke"),
]
