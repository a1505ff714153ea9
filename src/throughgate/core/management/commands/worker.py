"""The background worker: `throughgate worker`. Runs the periodic jobs of config/schedule.py when they are due and the
django-tasks queue (the database backend), until stopped with Ctrl-C or SIGTERM (it finishes the job in hand first).

Start one or more beside the web servers; they share the work through the database (a slot of a job is run by one
worker only). `--once` runs what is due now and what is queued, then exits (for cron or a test)."""

from __future__ import annotations

import os
import signal
import socket
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from throughgate.core import schedule
from throughgate.core.models import JobRunStatus


class Command(BaseCommand):
    help = "Run the scheduled jobs and the background task queue until stopped (or once, with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due and queued now, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds to wait between looks for work (default 5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}:{get_random_string(4)}"
        stopping = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            if stopping.is_set():  # a second Ctrl-C: stop now
                raise KeyboardInterrupt
            self.stdout.write("Stopping after the work in hand (Ctrl-C again to stop now).")
            stopping.set()

        if not options["once"]:
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            jobs = schedule.jobs()
            self.stdout.write(f"Worker {name}: {len(jobs)} scheduled jobs and the task queue.")
        tasks = TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name[:64],
            excluded_queue_names=[],
        )
        while not stopping.is_set():
            close_old_connections()
            report = schedule.tick(worker=name)
            for run in report.ran:
                self._say(run)
            if report.abandoned:
                self.stdout.write(f"{report.abandoned} run(s) left unfinished by a stopped worker will be retried.")
            tasks.run()
            close_old_connections()
            if options["once"]:
                break
            stopping.wait(options["interval"])

    def _say(self, run: Any) -> None:
        line = f"{run.job} due {run.slot:%Y-%m-%d %H:%M} UTC, attempt {run.attempts}: {run.get_status_display()}"
        if run.status == JobRunStatus.SUCCEEDED:
            self.stdout.write(f"{line} {run.result}")
        else:
            self.stderr.write(f"{line}: {run.error}")
