"""The site catalogue: adding, changing and taking sites out of use, one at a time or imported in bulk; and
how a typed web address becomes a (domain, path prefix)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    AccessGroup,
    Category,
    Risk,
    Site,
)
from throughgate.access.permissions import MANAGE_POLICY
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import User

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")


def normalise_address(raw: str) -> tuple[str, str]:
    """A web address typed by a person, as (domain, path prefix)."""
    text = (raw or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    host, slash, path = text.partition("/")
    host = host.split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not DOMAIN_RE.match(host):
        raise InvalidInput(_("Enter a web address like www.gov.uk"), code="invalid_address", field="address")
    prefix = ("/" + path.split("?", 1)[0].split("#", 1)[0]).rstrip("/") if slash and path.strip("/") else ""
    return host, prefix


@transaction.atomic
def site_add(
    *,
    by: User,
    name: str,
    address: str,
    category: str,
    risk: int = Risk.LOW,
    include_subdomains: bool = True,
    description: str = "",
) -> Site:
    ensure_can(by, MANAGE_POLICY)
    domain, prefix = normalise_address(address)
    if category not in Category.values:
        raise InvalidInput(_("Choose a category"), code="invalid_category", field="category")
    if risk not in Risk.values:
        raise InvalidInput(_("Choose a risk rating"), code="invalid_risk", field="risk")
    if Site.objects.filter(domain=domain, path_prefix=prefix).exists():
        raise InvalidInput(_("That site is already in the catalogue"), code="duplicate_site", field="address")
    site = Site.objects.create(
        name=name.strip()[:200] or domain,
        domain=domain,
        path_prefix=prefix,
        include_subdomains=include_subdomains,
        category=category,
        risk=risk,
        description=description[:300],
    )
    audit.record(action=events.SITE_ADDED, actor=by, obj=site, detail={"site": str(site), "category": category})
    snapshot.bump(snapshot.CATALOGUE)
    return site


@transaction.atomic
def site_set_active(*, by: User, site: Site, active: bool, reason: str) -> Site:
    ensure_can(by, MANAGE_POLICY)
    if not reason.strip():
        raise InvalidInput(_("Give a reason"), code="reason_required", field="reason")
    site.active = active
    site.save(update_fields=["active"])
    audit.record(action=events.SITE_CHANGED, actor=by, obj=site, detail={"active": active, "reason": reason[:500]})
    snapshot.bump(snapshot.CATALOGUE)
    return site


@transaction.atomic
def site_update(
    *,
    by: User,
    site: Site,
    name: str,
    category: str,
    risk: int,
    include_subdomains: bool,
    description: str = "",
    groups: Iterable[AccessGroup] = (),
) -> Site:
    """Change a site's name, category, risk rating, subdomains and the groups it is limited to (its address stays:
    a different address is a different site)."""
    ensure_can(by, MANAGE_POLICY)
    if category not in Category.values:
        raise InvalidInput(_("Choose a category"), code="invalid_category", field="category")
    if risk not in Risk.values:
        raise InvalidInput(_("Choose a risk rating"), code="invalid_risk", field="risk")
    if not name.strip():
        raise InvalidInput(_("Enter a name"), code="name_required", field="name")
    chosen = sorted({group.code for group in groups})
    before = {
        "name": site.name,
        "category": site.category,
        "risk": site.risk,
        "include_subdomains": site.include_subdomains,
        "groups": sorted(site.groups.values_list("code", flat=True)),
    }
    site.name = name.strip()[:200]
    site.category = category
    site.risk = risk
    site.include_subdomains = include_subdomains
    site.description = description.strip()[:300]
    site.save(update_fields=["name", "category", "risk", "include_subdomains", "description"])
    site.groups.set(AccessGroup.objects.filter(code__in=chosen))
    after = {"name": site.name, "category": category, "risk": risk, "include_subdomains": include_subdomains}
    audit.record(
        action=events.SITE_CHANGED,
        actor=by,
        obj=site,
        detail={"site": str(site), "before": before, "after": {**after, "groups": chosen}},
    )
    snapshot.bump(snapshot.CATALOGUE)
    return site


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def sites_import(*, by: User, lines: Iterable[str], default_category: str = "", risk: int = Risk.LOW) -> ImportResult:
    """Bulk import: CSV lines ``address,category[,risk[,name]]`` (or bare addresses with a default category).
    Existing sites are skipped; bad lines are reported by number. One audit row for the whole import."""
    ensure_can(by, MANAGE_POLICY)
    result = ImportResult()
    existing = set(Site.objects.values_list("domain", "path_prefix"))
    fresh: list[Site] = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#"):
            continue
        try:
            domain, prefix = normalise_address(row[0])
        except InvalidInput as exc:
            result.problems.append(f"line {number}: {exc.message}")
            continue
        category = (row[1].strip() if len(row) > 1 else "") or default_category
        if category not in Category.values:
            result.problems.append(f"line {number}: unknown category {category!r}")
            continue
        try:
            site_risk = int(row[2]) if len(row) > 2 and row[2].strip() else risk
        except ValueError:
            site_risk = -1
        if site_risk not in Risk.values:
            result.problems.append(f"line {number}: risk must be 1, 2 or 3")
            continue
        if (domain, prefix) in existing:
            result.skipped += 1
            continue
        existing.add((domain, prefix))
        name = row[3].strip()[:200] if len(row) > 3 and row[3].strip() else domain
        fresh.append(Site(name=name, domain=domain, path_prefix=prefix, category=category, risk=site_risk))
    with transaction.atomic():
        Site.objects.bulk_create(fresh, batch_size=2000)
        result.added = len(fresh)
        audit.record(
            action=events.SITES_IMPORTED,
            actor=by,
            detail={"added": result.added, "skipped": result.skipped, "problems": len(result.problems)},
        )
        snapshot.bump(snapshot.CATALOGUE)
    return result


def sites_import_text(*, by: User, text: str, default_category: str = "") -> ImportResult:
    return sites_import(by=by, lines=io.StringIO(text), default_category=default_category)
