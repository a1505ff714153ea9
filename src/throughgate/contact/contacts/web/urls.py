from django.urls import path

from throughgate.contact.contacts.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("contacts/", views.my_contacts, name="my_contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    # Security.
    path("contacts/approvals/", views.approvals, name="approvals"),
    path("contacts/approvals/<int:contact_id>/", views.approval, name="approval"),
    path("contacts/people/<str:prison_number>/", views.person_contacts, name="person_contacts"),
    path("contacts/restrictions/<int:restriction_id>/end/", views.restriction_end, name="restriction_end"),
]
