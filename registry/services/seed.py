"""Load the seed listings in ``data/seed/``: real organisations, each fact with its source.

Idempotent: a listing whose data has not changed is left alone; one that has is updated in place
and gets a new revision. Listings are matched by slug.
"""

from __future__ import annotations

import hashlib
import json
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


class SeedError(ValueError):
    """A seed file that cannot be loaded, with the file and listing named."""


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_seed_listings(seed_dir: Path = SEED_DIR) -> list[dict[str, Any]]:
    from registry.services.gazetteer import load_lad_regions

    districts = load_lad_regions()
    listings: list[dict[str, Any]] = []
    for path in sorted(seed_dir.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in document.get("listings", []):
            if not entry.get("slug") or not entry.get("name") or not entry.get("sources"):
                raise SeedError(
                    f"{path.name}: every seed listing needs a slug, a name and its sources ({entry!r:.80})."
                )
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


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> SeedReport:
    from registry.services.assessments import reassess

    report = SeedReport()
    for entry in read_seed_listings(seed_dir):
        data = {"status": ListingStatus.PUBLISHED, "provenance": ListingProvenance.SEED, **entry}
        digest = data_digest(data)
        org = session.scalars(select(Organisation).where(Organisation.slug == entry["slug"])).first()
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
