"""The skills passport on the JSON API (/api/v1/learning/): the resident's badges (for the in-cell app) and the
public verification endpoint (no sign-in: an employer's software sends a credential and gets the verdict)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from throughgate.core.access import public, requires
from throughgate.identity.api import ERRORS, Router, acting_user
from throughgate.learning.passport import addresses, selectors, verification
from throughgate.learning.passport.models import Credential
from throughgate.learning.permissions import USE_PASSPORT

router = Router()


class BadgeOut(Schema):
    id: str
    name: str
    kind: str
    issued_at: datetime
    revoked: bool
    link: str = Field(description="The public page that shows the badge checked")
    credential: str = Field(description="The signed credential (VC-JWT)")

    @staticmethod
    def of(credential: Credential) -> "BadgeOut":
        return BadgeOut(
            id=str(credential.public_id),
            name=credential.name,
            kind=credential.kind,
            issued_at=credential.issued_at,
            revoked=credential.revoked,
            link=addresses.credential_url(credential.public_id),
            credential=credential.token,
        )


class VerifyIn(Schema):
    credential: str = Field(description="A VC-JWT (compact JWS), or the link to one of this service's credentials")
    name: str = Field("", description="Optional: the holder's name, checked against the hashed name it holds")


class VerdictOut(Schema):
    outcome: str = Field(
        description="valid, invalid or revoked", json_schema_extra={"enum": ["valid", "invalid", "revoked"]}
    )
    reason: str
    checks: list[str]
    name_matches: bool | None
    credential: dict[str, Any] | None


@router.get("/passport", response={200: list[BadgeOut], **ERRORS}, summary="The resident's skills passport badges")
@requires(USE_PASSPORT)
def passport(request: HttpRequest) -> list[BadgeOut]:
    return [BadgeOut.of(c) for c in selectors.passport_of_resident(user=acting_user(request))]


@router.post(
    "/verify", response={200: VerdictOut, **ERRORS}, auth=None, summary="Check a credential: valid, invalid or revoked"
)
@public
def verify(request: HttpRequest, payload: VerifyIn) -> VerdictOut:
    verdict = verification.verify(payload.credential, name=payload.name)
    return VerdictOut(
        outcome=verdict.outcome,
        reason=verdict.reason,
        checks=verdict.checks,
        name_matches=verdict.name_matches,
        credential=verdict.credential,
    )
