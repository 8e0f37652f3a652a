"""Load the curated listings in ``data/seed/``: real organisations, each fact with the dated source that gives it.

Each source names the listing facts it supports (``facts: [legal_form, locations, ...]``, the listing-data keys);
a fact no source names, or a source with no date, stops the load with a :class:`SeedError` naming the file and
listing. Locations are placed with the offline gazetteer (position, local authority, region), as imports are.

A curated listing that an import matched (``ImportedRecord`` rows, e.g. Co-operatives UK open data) is one
listing: the curated facts win, the import fills what they leave unknown, and every source of both is kept.

Idempotent: a listing whose data has not changed is left alone; one that has is updated in place and gets a new
revision. Listings are matched by slug.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ListingProvenance, ListingStatus, Organisation
from registry.services.listing_data import apply_listing_data
from registry.services.revisions import record_revision

SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "seed"
SEED_AUTHOR = "seed data"

# Partial ISO dates, as sources give them: a year, a month or a day.
_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
# Keys of a seed entry that are not facts about the organisation.
_NOT_FACTS = {"slug", "sources"}


class SeedError(ValueError):
    """A seed file that cannot be loaded, with the file and listing named."""


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def check_sources(entry: dict[str, Any], where: str) -> None:
    """Every source dated and naming the facts it supports, and every fact of the listing named by a source."""
    slug = entry["slug"]
    facts = {key for key in entry if key not in _NOT_FACTS}
    named: set[str] = set()
    for source in entry["sources"]:
        title = source.get("title")
        if not title:
            raise SeedError(f"{where}: {slug} has a source with no title.")
        published = str(source.get("published") or "")
        if not _PARTIAL_DATE.match(published):
            raise SeedError(
                f"{where}: {slug}'s source {title!r} has no date: give `published` as YYYY, YYYY-MM or YYYY-MM-DD."
            )
        supports = source.get("facts")
        if not supports or not isinstance(supports, list):
            raise SeedError(f"{where}: {slug}'s source {title!r} does not name the facts it supports (`facts`).")
        unknown = set(supports) - facts
        if unknown:
            raise SeedError(
                f"{where}: {slug}'s source {title!r} supports {', '.join(sorted(unknown))}, which the listing "
                "does not give."
            )
        named.update(supports)
    unsourced = facts - named
    if unsourced:
        raise SeedError(
            f"{where}: {slug} gives {', '.join(sorted(unsourced))} without a source: name each fact in the "
            "`facts` of the source that says it, or leave the fact out."
        )


def read_seed_listings(seed_dir: Path = SEED_DIR) -> list[dict[str, Any]]:
    """Every curated listing in ``seed_dir``, checked (sources, facts, local authority districts)."""
    from registry.services.gazetteer.sources import load_lad_regions

    districts = load_lad_regions()
    listings: list[dict[str, Any]] = []
    slugs: set[str] = set()
    for path in sorted(seed_dir.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in document.get("listings", []):
            if not entry.get("slug") or not entry.get("name") or not entry.get("sources"):
                raise SeedError(
                    f"{path.name}: every seed listing needs a slug, a name and its sources ({entry!r:.80})."
                )
            if entry["slug"] in slugs:
                raise SeedError(f"{path.name}: {entry['slug']} is listed twice: one entry per organisation.")
            slugs.add(entry["slug"])
            check_sources(entry, path.name)
            for group in entry.get("service_areas", []):
                for area in group["local_authorities"]:
                    known = districts.get(area["code"])
                    if known is None or known.lad_name != area["name"]:
                        raise SeedError(
                            f"{path.name}: {entry['slug']} serves {area['code']} {area['name']!r}, which is not a "
                            "current local authority district in data/reference/lad_regions.csv."
                        )
            listings.append(entry)
    return listings


def data_digest(data: dict[str, Any]) -> str:
    """A fingerprint of the source data last applied to a listing, so unchanged data is not applied again."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def locate_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Fill in each location's map position, local authority and region from the gazetteer (in place).

    The curated region stays: a registered office can lie outside the region a source names.
    """
    from registry.services.importers.locating import PostcodeLocator
    from registry.services.importers.rows import SourceRow

    rows = [SourceRow(line=0, source_key=e["slug"], data=e, fallback_region=e.get("region")) for e in entries]
    regions = {e["slug"]: e.get("region") for e in entries}
    PostcodeLocator(session).locate(rows)
    for entry in entries:
        if regions[entry["slug"]] is not None:
            entry["region"] = regions[entry["slug"]]
        elif entry.get("region") is None:
            entry.pop("region", None)


# What an import may add to a curated listing: facts the curated entry leaves unknown, never its own.
_FILLED_LISTS = ("locations", "services", "member_classes", "board_seats", "service_areas")


def merge_imported(entry: dict[str, Any], imported: list[dict[str, Any]]) -> dict[str, Any]:
    """A curated entry with what imports said about the same organisation: curated facts win, imports fill the
    gaps, identifiers another scheme does not already hold are added, and every source is kept."""
    merged = copy.deepcopy(entry)
    for data in imported:
        for key, value in data.items():
            if key in ("sources", "identifiers", "trading_names") or value in (None, "", [], {}):
                continue
            if key in _FILLED_LISTS:
                if not merged.get(key):
                    merged[key] = copy.deepcopy(value)
            elif isinstance(value, dict):
                group = merged.setdefault(key, {})
                for inner, inner_value in value.items():
                    if group.get(inner) is None and inner_value is not None:
                        group[inner] = inner_value
            elif merged.get(key) in (None, ""):
                merged[key] = value
        held = {i["scheme"] for i in merged.get("identifiers", [])}
        merged["identifiers"] = merged.get("identifiers", []) + [
            i for i in data.get("identifiers", []) if i["scheme"] not in held
        ]
        names = [merged["name"], *merged.get("trading_names", [])]
        merged["trading_names"] = merged.get("trading_names", []) + [
            n for n in [data.get("name"), *data.get("trading_names", [])] if n and n not in names
        ]
        merged["sources"] = merged["sources"] + copy.deepcopy(data.get("sources", []))
    if not merged["trading_names"]:
        merged.pop("trading_names")
    if not merged["identifiers"]:
        merged.pop("identifiers")
    return merged


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> SeedReport:
    """Create or update every curated listing (see the module docstring); the caller commits."""
    from registry.models.imports import ImportedRecord
    from registry.services.assessments import reassess

    report = SeedReport()
    entries = read_seed_listings(seed_dir)
    locate_entries(session, entries)
    existing = {
        org.slug: org
        for org in session.scalars(select(Organisation).where(Organisation.slug.in_([e["slug"] for e in entries])))
    }
    imported: dict[int, list[dict[str, Any]]] = {}
    if existing:
        ids = [org.id for org in existing.values()]
        for record in session.scalars(
            select(ImportedRecord).where(ImportedRecord.organisation_id.in_(ids)).order_by(ImportedRecord.source)
        ):
            imported.setdefault(record.organisation_id, []).append(record.data)
    for entry in entries:
        org = existing.get(entry["slug"])
        if org is not None and org.id in imported:
            entry = merge_imported(entry, imported[org.id])
        data = {"status": ListingStatus.PUBLISHED, "provenance": ListingProvenance.SEED, **entry}
        digest = data_digest(data)
        if org is None:
            org = Organisation(slug=entry["slug"], source_digest=digest)
            session.add(org)
            apply_listing_data(session, org, data)
            record_revision(session, org, SEED_AUTHOR, "Listed from published sources")
            reassess(session, org)
            report.created.append(org.slug)
            continue
        if org.source_digest == digest:
            report.unchanged.append(org.slug)
            continue
        with session.no_autoflush:
            apply_listing_data(session, org, data)
        org.source_digest = digest
        record_revision(session, org, SEED_AUTHOR, "Updated from published sources")
        reassess(session, org)
        report.updated.append(org.slug)
    return report
