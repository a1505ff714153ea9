"""Test data for the person-link table."""

from __future__ import annotations

from django.utils import timezone

from throughgate.people.models import Person
from throughgate.sharing.links.models import Agency, AgencyRecord, LinkRun, LinkStatus, PersonLink


def make_link(person: Person, *, probability: float = 0.8, status: str = LinkStatus.AWAITING_REVIEW) -> PersonLink:
    """A probation record like the person's (one letter different) and a link between them awaiting review."""
    crn = f"X{person.pk % 1_000_000:06d}"
    AgencyRecord.objects.get_or_create(
        agency=Agency.PROBATION,
        record_id=crn,
        defaults={
            "given_name": person.first_name,
            "family_name": person.last_name + "e",
            "date_of_birth": person.date_of_birth.isoformat(),
            "sex": person.sex,
        },
    )
    run = LinkRun.objects.create(
        started_at=timezone.now(),
        finished_at=timezone.now(),
        auto_link_threshold=0.99,
        review_threshold=0.5,
        model={
            "probation": {
                "comparisons": [
                    {
                        "output_column_name": "given_name",
                        "comparison_description": "Given name",
                        "comparison_levels": [
                            {"sql_condition": "x", "label_for_charts": "not known", "is_null_level": True},
                            {
                                "sql_condition": "x",
                                "label_for_charts": "exact",
                                "m_probability": 0.9,
                                "u_probability": 0.01,
                            },
                            {
                                "sql_condition": "ELSE",
                                "label_for_charts": "all other values",
                                "m_probability": 0.1,
                                "u_probability": 0.99,
                            },
                        ],
                    }
                ]
            }
        },
    )
    link, _created = PersonLink.objects.get_or_create(
        prison_number=person.prison_number,
        agency=Agency.PROBATION,
        record_id=crn,
        defaults={
            "status": status,
            "match_probability": probability,
            "match_weight": 2.0,
            "reasons": [
                {"comparison": "given_name", "description": "Given name", "level": "exact", "weight": 6.5},
                {
                    "comparison": "family_name",
                    "description": "Family name",
                    "level": "nearly the same (typo)",
                    "weight": 4.0,
                },
                {"comparison": "date_of_birth", "description": "Date of birth", "level": "exact", "weight": 9.2},
                {"comparison": "sex", "description": "Sex", "level": "all other values", "weight": -3.1},
            ],
            "first_run": run,
            "last_run": run,
        },
    )
    return link
