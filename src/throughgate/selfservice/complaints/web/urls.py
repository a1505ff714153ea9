"""Routes of complaints: a resident's own and their appeals, and the staff queue."""

from django.urls import path

from throughgate.selfservice.complaints.web import views

urlpatterns = [
    # People in prison, on a kiosk or in-cell device.
    path("complaints/", views.my_complaints, name="my_complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:complaint_id>/", views.my_complaint, name="my_complaint"),
    path("complaints/<int:complaint_id>/appeal/", views.complaint_appeal, name="complaint_appeal"),
    # Staff.
    path("complaints/queue/", views.complaint_queue, name="complaint_queue"),
    path("complaints/queue/<int:complaint_id>/", views.staff_complaint, name="staff_complaint"),
]
