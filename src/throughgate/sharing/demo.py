"""Demo data for record linkage: probation and health records for the demo's people, written the way other
agencies' systems hold them (nicknames, typos, swapped dates, moved house, missing identifiers), plus twins and
namesakes who must not be linked; then one linkage run, so the review queue and the model page have data."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from throughgate.people import selectors as people_selectors
from throughgate.sharing.linkage import synthetic
from throughgate.sharing.links import services
from throughgate.sharing.links.models import Agency, AgencyRecord, LinkDecision, LinkRun, PersonLink

PROBATION_SHARE = 0.6
HEALTH_SHARE = 0.5


def _as_synthetic(person: object, key: int, rng: random.Random) -> synthetic.Person:
    return synthetic.Person(
        key=key,
        given=person.first_name.upper(),  # type: ignore[attr-defined]
        family=person.last_name.upper(),  # type: ignore[attr-defined]
        dob=person.date_of_birth,  # type: ignore[attr-defined]
        sex=person.sex,  # type: ignore[attr-defined]
        postcode=synthetic._postcode(rng),
        pnc=person.pnc_id or synthetic.pnc_id(rng.randint(1995, 2024), rng.randrange(1, 9_999_999)),  # type: ignore[attr-defined]
        nhs=person.nhs_number or synthetic.nhs_number(rng),  # type: ignore[attr-defined]
    )


def _row(rng: random.Random, ident: str, who: synthetic.Person, *, nhs: bool) -> dict[str, str]:
    fields = synthetic._corrupt(rng, who, rng.choice(synthetic.ERROR_TYPES))
    return {
        "id": ident,
        **fields,
        "sex": who.sex,
        "pnc_id": who.pnc if rng.random() < 0.3 else "",
        "nhs_number": who.nhs if nhs else "",
    }


def populate(*, seed: int = 1, say: Callable[[str], None] = lambda _line: None) -> dict[str, int]:
    """Records from probation and health for the demo's people, then one linkage run (nothing if already there)."""
    if AgencyRecord.objects.exists():
        say("  Record linkage: nothing to add (agency records already there)")
        return {}
    rng = random.Random(seed)  # noqa: S311  (synthetic demo data, not security)
    people = people_selectors.people_with_prison_numbers(prison_numbers=people_selectors.prison_numbers_on_record())
    probation: list[dict[str, str]] = []
    health: list[dict[str, str]] = []
    for key, person in enumerate(people):
        who = _as_synthetic(person, key, rng)
        if rng.random() < PROBATION_SHARE:
            probation.append(_row(rng, person.crn or f"X{700000 + key:06d}", who, nhs=False))
        if rng.random() < HEALTH_SHARE:
            health.append(_row(rng, who.nhs, who, nhs=True))
        if rng.random() < 0.02:  # a twin on probation: same family name, birthday and address, another given name
            twin = synthetic.Person(
                key,
                rng.choice(synthetic.MALE if who.sex == "M" else synthetic.FEMALE),
                who.family,
                who.dob,
                who.sex,
                who.postcode,
                "",
                "",
            )
            probation.append({**_row(rng, f"X{800000 + key:06d}", twin, nhs=False), "pnc_id": ""})
    for index in range(len(people) // 10):  # people only probation or health knows
        stranger = synthetic._person(rng, 10_000_000 + index)
        if stranger.dob > date(2007, 1, 1):
            continue
        probation.append(_row(rng, f"X{900000 + index:06d}", stranger, nhs=False))
    services.agency_records_receive(agency=Agency.PROBATION, rows=probation)
    services.agency_records_receive(agency=Agency.HEALTH, rows=health)
    say(f"  Record linkage: {len(probation)} probation and {len(health)} health records; linking ...")
    run = services.linkage_run(seed=seed)
    return {
        "Probation records": len(probation),
        "Health records": len(health),
        "Links made automatically": run.counts.get("auto_linked", 0),
        "Links awaiting review": run.counts.get("awaiting_review", 0),
    }


def reset() -> dict[str, int]:
    """Delete the linkage rows (for ``demo_estate --reset``; audit rows stay)."""
    deleted = 0
    for model in (LinkDecision, PersonLink, LinkRun, AgencyRecord):
        deleted += model.objects.all().delete()[0]
    return {"Record linkage rows": deleted}
