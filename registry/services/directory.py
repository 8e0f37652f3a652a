"""What the directory holds, as the home page and ``/about/data`` describe it: how many organisations, in
which nations, how current their facts are, and every source loaded with its counts, editions and licences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import ListingStatus, Organisation, RegisteredStatus, Source

NATIONS = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


@dataclass(frozen=True)
class Dataset:
    """One edition of an open dataset, and how many listings it gives facts to."""

    title: str
    publisher: str | None
    edition: str | None
    licence: str | None
    url: str | None
    listings: int


@dataclass(frozen=True)
class Publisher:
    """A publisher of the curated listings' sources: how many documents, for how many listings, dated when."""

    name: str
    documents: int
    listings: int
    earliest: str | None
    latest: str | None


@dataclass
class DirectorySummary:
    listed: int = 0
    closed: int = 0
    by_nation: dict[str, int] = field(default_factory=dict)
    newest_source: str | None = None
    oldest_source: str | None = None
    datasets: list[Dataset] = field(default_factory=list)
    publishers: list[Publisher] = field(default_factory=list)


def directory_summary(session: Session) -> DirectorySummary:
    """Counts over published listings and their sources (a few grouped queries)."""
    published = Organisation.status == ListingStatus.PUBLISHED
    summary = DirectorySummary()
    # Grouped by region and status, then by nation here: the same SQL on SQLite and PostgreSQL.
    for region, status, count in session.execute(
        select(Organisation.region_code, Organisation.registered_status, func.count())
        .where(published)
        .group_by(Organisation.region_code, Organisation.registered_status)
    ):
        summary.listed += count
        summary.closed += count if status == RegisteredStatus.DISSOLVED else 0
        name = NATIONS.get((region or "")[:1], "Nation not known")
        summary.by_nation[name] = summary.by_nation.get(name, 0) + count
    summary.by_nation = {
        n: summary.by_nation[n] for n in [*NATIONS.values(), "Nation not known"] if n in summary.by_nation
    }

    sources = (
        select(Source.title, Source.publisher, Source.published, Source.licence, Source.url, Source.organisation_id)
        .join(Organisation, Organisation.id == Source.organisation_id)
        .where(published)
    )
    datasets: dict[tuple[str, str | None, str | None, str | None], tuple[str | None, set[int]]] = {}
    documents: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    listings: dict[str, set[int]] = defaultdict(set)
    dates: dict[str, list[str]] = defaultdict(list)
    for title, publisher, edition, licence, url, org_id in session.execute(sources):
        if edition:
            summary.newest_source = max(summary.newest_source or edition, edition)
            summary.oldest_source = min(summary.oldest_source or edition, edition)
        if licence:  # open data, imported: one dataset per edition
            key = (title, publisher, edition, licence)
            datasets.setdefault(key, (url, set()))[1].add(org_id)
            continue
        name = publisher or "Publisher not named"
        documents[name].add((title, url))
        listings[name].add(org_id)
        if edition:
            dates[name].append(edition)
    summary.datasets = sorted(
        (Dataset(t, p, e, lic, url, len(ids)) for (t, p, e, lic), (url, ids) in datasets.items()),
        key=lambda d: (d.publisher or "", d.title, d.edition or ""),
    )
    summary.publishers = sorted(
        (
            Publisher(
                name,
                len(documents[name]),
                len(listings[name]),
                min(dates[name], default=None),
                max(dates[name], default=None),
            )
            for name in documents
        ),
        key=lambda p: (-p.listings, p.name.lower()),
    )
    return summary
