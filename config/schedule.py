"""Every periodic job, in one place: what runs, and when. `throughgate worker` runs them (docs/running.md).

Daily times are UK time. Each job's function takes the slot it runs for and must be safe to run again for the same
slot (a retry after a failure repeats the work)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils.translation import gettext_lazy as _

from throughgate.core.schedule import Daily, Every, Job

JOBS: list[Job] = [
    Job(
        name="probation.expire_checkins",
        title=_("Probation: mark missed check-ins"),
        description=_("Check-ins not done by their last day are missed; each becomes a task for the practitioner."),
        run="throughgate.probation.jobs.expire_checkins",
        cadence=Daily(at=time(0, 10)),
    ),
    Job(
        name="probation.create_checkins",
        title=_("Probation: make the check-ins due today"),
        description=_("Each person on probation gets the check-ins their schedule says are due, and a reminder."),
        run="throughgate.probation.jobs.create_checkins",
        cadence=Daily(at=time(6, 0)),
    ),
    Job(
        name="selfservice.escalate",
        title=_("Escalate overdue apps and complaints"),
        description=_("Overdue apps go to their department's lead, overdue complaints to the governor."),
        run="throughgate.selfservice.jobs.escalate_overdue",
        cadence=Every(minutes=15),
    ),
    Job(
        name="access.flush_usage",
        title=_("Record internet use"),
        description=_("Finished hours of internet decisions become activity for AIM and the figures."),
        run="throughgate.access.jobs.flush_usage",
        cadence=Every(minutes=15, offset=5),
    ),
    Job(
        name="core.audit_head",
        title=_("Write out the audit chain head"),
        description=_("The last row of the audit log and its hash, so that a log cut short is found."),
        run="throughgate.core.jobs.write_audit_head",
        cadence=Daily(at=time(0, 30)),
    ),
    Job(
        name="insights.roll_up",
        title=_("Make the daily figures"),
        description=_("Each finished day's activity is added up by prison, wing and kind for the figures pages."),
        run="throughgate.insights.jobs.roll_up",
        cadence=Daily(at=time(0, 45)),
        timeout=timedelta(hours=1),
    ),
    Job(
        name="identity.prune_sign_in_failures",
        title=_("Forget old wrong sign-in tries"),
        description=_("Wrong passwords and PINs slow the next tries down for a while; after a day they are forgotten."),
        run="throughgate.identity.jobs.prune_sign_in_failures",
        cadence=Daily(at=time(1, 0)),
    ),
    Job(
        name="dataprotection.retention",
        title=_("Remove records past their retention period"),
        description=_("Each record type goes when its period ends (docs/data-retention.md), unless on legal hold."),
        run="throughgate.dataprotection.jobs.apply_retention",
        cadence=Daily(at=time(2, 0)),
        timeout=timedelta(hours=1),
    ),
    Job(
        name="selfservice.timetable_sessions",
        title=_("Make timetable sessions"),
        description=_("Dated sessions of every weekly activity, four weeks ahead."),
        run="throughgate.selfservice.jobs.timetable_sessions",
        cadence=Daily(at=time(1, 30)),
    ),
    Job(
        name="welfare.score_day",
        title=_("AIM: score the day"),
        description=_("Everyone in custody is scored from the days before; the daily list shows the flags."),
        run="throughgate.welfare.jobs.score_day",
        cadence=Daily(at=time(4, 30)),
        timeout=timedelta(hours=2),
    ),
    Job(
        name="welfare.review_reminders",
        title=_("AIM: remind staff of overdue reviews"),
        description=_("The safer custody team and the officer who set a review are told when it is overdue."),
        run="throughgate.welfare.jobs.review_reminders",
        cadence=Daily(at=time(7, 30)),
    ),
]
