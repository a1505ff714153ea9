"""The OpenBadgeCredential of a completed course or a qualification gained, as a JSON object (before signing). It
holds what an employer needs and no more: the achievement, the evidence, the issuer, a pseudonymous subject id and
the person's name only as a salted hash (an employer who is told the name can check it; nobody can read it)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from throughgate.learning.passport import addresses
from throughgate.learning.passport.statuslist import list_of

ISSUER_NAME = "Throughgate learning and skills (prison education)"
LEVEL_NAMES = {
    "E1": "Entry Level 1",
    "E2": "Entry Level 2",
    "E3": "Entry Level 3",
    "L1": "Level 1",
    "L2": "Level 2",
    "L3": "Level 3",
}
RQF_URL = "https://www.gov.uk/what-different-qualification-levels-mean/list-of-qualification-levels"
FIELDS = {
    "ENGLISH": "English",
    "MATHS": "Mathematics",
    "DIGITAL": "Digital skills",
    "VOCATIONAL": "Vocational skills",
    "EMPLOYABILITY": "Employability",
}


@dataclass(frozen=True)
class Achieved:
    """What was achieved, in the words of the course record (English: credentials are read far from the prison)."""

    course_ref: str  # stable id of the course: "<establishment code>/<course code>"
    title: str
    description: str
    area: str
    level: str
    hours: int
    qualification: str  # "" for a completion
    grade: str
    started: datetime | None
    finished: datetime


def normalise_name(name: str) -> str:
    return " ".join(name.lower().split())


def name_hash(name: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((normalise_name(name) + salt).encode("utf-8")).hexdigest()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile() -> dict[str, Any]:
    return {
        "id": addresses.issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": addresses.absolute("/learning/verify/"),
        "description": "Issues skills passport badges for learning done in prison education.",
    }


def build(
    *,
    public_id: object,
    issued_at: datetime,
    subject_id: str,
    person_name: str,
    achieved: Achieved,
    status_index: int,
    salt: str | None = None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential."""
    qualification = bool(achieved.qualification)
    level = LEVEL_NAMES.get(achieved.level, achieved.level)
    name = achieved.qualification if qualification else f"{achieved.title} ({level})"
    criteria = (
        f"Gained the qualification {achieved.qualification}, assessed by the awarding body's rules."
        if qualification
        else f"Completed the course {achieved.title} at {level}: {achieved.hours} guided learning hours, "
        "with progress recorded by education staff."
    )
    achievement: dict[str, Any] = {
        "id": f"urn:throughgate:course:{achieved.course_ref}",
        "type": ["Achievement"],
        "achievementType": "Certificate" if qualification else "CertificateOfCompletion",
        "name": name,
        "description": achieved.description or achieved.title,
        "criteria": {"narrative": criteria},
        "fieldOfStudy": FIELDS.get(achieved.area, achieved.area),
        "inLanguage": "en-GB",
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": f"Regulated Qualifications Framework: {level}",
                "targetUrl": RQF_URL,
                "targetFramework": "Regulated Qualifications Framework (England)",
                "targetCode": achieved.level,
            }
        ],
    }
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "activityEndDate": _utc(achieved.finished),
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": True,
                "identityHash": name_hash(person_name, salt := salt or secrets.token_hex(8)),
                "salt": salt,
            }
        ],
    }
    if achieved.started is not None:
        subject["activityStartDate"] = _utc(achieved.started)
    if qualification and achieved.grade:
        subject["result"] = [{"type": ["Result"], "value": achieved.grade}]
    number, index_in_list = list_of(status_index)
    status_list = addresses.status_list_url(number)
    credential_id = addresses.credential_url(public_id)
    evidence_text = (
        f"{achieved.title}: {achieved.hours} guided learning hours, finished on {_utc(achieved.finished)[:10]}."
    )
    if qualification and achieved.grade:
        evidence_text += f" Result: {achieved.grade}."
    return {
        "@context": [addresses.VC_CONTEXT, addresses.OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer_profile(),
        "validFrom": _utc(issued_at),
        "credentialSubject": subject,
        "evidence": [
            {
                "id": credential_id + "#evidence",
                "type": ["Evidence"],
                "name": "Course record",
                "narrative": evidence_text,
                "genre": "Qualification" if qualification else "Course completion",
            }
        ],
        "credentialStatus": {
            "id": f"{status_list}#{index_in_list}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index_in_list),
            "statusListCredential": status_list,
        },
        "credentialSchema": [{"id": addresses.OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
