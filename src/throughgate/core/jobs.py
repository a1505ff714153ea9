"""Periodic jobs of the core app, run by `throughgate worker` on the schedule in config/schedule.py."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from throughgate.core import audit

logger = logging.getLogger(__name__)


def write_audit_head(*, slot: datetime) -> dict[str, int | str]:
    """Write the audit chain's head (id, seq, hash, time) to a file of its own and to the log, so that a log cut short
    later is found: ``throughgate audit verify --head FILE`` checks the head is still in the chain. Keep the files
    (and the log) where the service's database user cannot change them."""
    head = audit.chain_head()
    if head is None:
        logger.warning("audit chain head: the audit log is empty")
        return {"seq": 0}
    document = {**head.to_json(), "written_at": slot.astimezone(UTC).isoformat()}
    directory = Path(settings.AUDIT_HEAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-head-{slot.astimezone(UTC):%Y%m%dT%H%M%SZ}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, sort_keys=True) + "\n")
    os.replace(temporary, path)
    logger.info("audit chain head: %s", json.dumps(document, sort_keys=True))
    return {"seq": head.seq, "file": path.name}
