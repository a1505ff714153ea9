"""The probation app's pages, in one URL namespace: staff pages under /probation/, the person's under /myprobation/."""

from django.urls import path

from throughgate.probation.caseload.web import views as caseload
from throughgate.probation.myprobation.web import views as myprobation
from throughgate.probation.passport.web import views as passport
from throughgate.probation.release.web import views as release

app_name = "probation"
urlpatterns = [
    # A resident on a kiosk.
    path("probation/my-plan/", passport.my_passport, name="my_passport"),
    path("probation/my-plan/questions/<slug:kind>/", passport.my_questions, name="my_questions"),
    # Resettlement staff in a prison.
    path("probation/passports/", passport.passports, name="passports"),
    path("probation/passports/<str:prison_number>/", passport.passport, name="passport"),
    path("probation/passports/<str:prison_number>/start/", passport.passport_start, name="passport_start"),
    path("probation/passports/<str:prison_number>/release/", release.release, name="release"),
    path("probation/passports/<str:prison_number>/<slug:action>/", passport.passport_action, name="passport_action"),
    # The probation practitioner.
    path("probation/caseload/", caseload.caseload, name="caseload"),
    path("probation/caseload/<str:prison_number>/", caseload.case, name="case"),
    path("probation/caseload/<str:prison_number>/recall/", release.recall, name="recall"),
    path("probation/caseload/<str:prison_number>/<slug:action>/", caseload.case_action, name="case_action"),
    path("probation/check-ins/<int:checkin_id>/review/", caseload.checkin_review, name="checkin_review"),
    path("probation/tasks/<int:task_id>/close/", caseload.task_close, name="task_close"),
    path(
        "probation/appointments/<int:appointment_id>/outcome/",
        caseload.appointment_outcome,
        name="appointment_outcome",
    ),
    # The person on probation, on their phone.
    path("myprobation/sign-in/", myprobation.sign_in, name="sign_in"),
    path("myprobation/sign-in/code/", myprobation.sign_in_code, name="sign_in_code"),
    path("myprobation/sign-out/", myprobation.sign_out, name="sign_out"),
    path("myprobation/", myprobation.home, name="home"),
    path("myprobation/check-ins/<int:checkin_id>/", myprobation.checkin, name="checkin"),
    path("myprobation/appointments/<int:appointment_id>/", myprobation.appointment, name="appointment"),
    path("myprobation/to-do/<int:item_id>/done/", myprobation.todo_done, name="todo_done"),
]
