"""The notification gateway: texts and emails to people on probation (sign-in codes, reminders).

Email goes through Django's email backend (SMTP in production, a real SMTP server in the tests). SMS goes through
the backend named by ``PROBATION_SMS_BACKEND``: ``console`` (the log), ``file`` (one line per text in
``PROBATION_SMS_FILE``, the demo's), or ``memory`` (``outbox`` below, for tests). A production SMS provider is one
more backend with the same ``send``."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, text: Text) -> None: ...


outbox: list[Text] = []


class MemorySms:
    def send(self, text: Text) -> None:
        outbox.append(text)


class ConsoleSms:
    def send(self, text: Text) -> None:
        logger.warning("SMS to %s: %s", text.to, text.body)


class FileSms:
    def send(self, text: Text) -> None:
        path = Path(getattr(settings, "PROBATION_SMS_FILE", "var/sms.jsonl"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"at": timezone.now().isoformat(), "to": text.to, "body": text.body}) + "\n")


BACKENDS: dict[str, type[SmsBackend]] = {"memory": MemorySms, "console": ConsoleSms, "file": FileSms}


def sms_backend() -> SmsBackend:
    name = getattr(settings, "PROBATION_SMS_BACKEND", "console")
    return BACKENDS[name]()


def send(*, channel: str, to: str, subject: str, body: str) -> None:
    """Send one message by text or email."""
    if channel == "sms":
        sms_backend().send(Text(to=to, body=body))
    else:
        send_mail(subject, body, None, [to], fail_silently=False)
