"""Bulk open data (``/data``): every published listing as CSV and as JSON, with the licence and attribution of
every source the listings are made from.

The CSV is the commissioners' export (``exports.csv_lines``) over all published listings: one row per
listing, stable columns, UTF-8 with a byte-order mark, formulas neutralised, and a ``licence`` column on every
row. A header comment would break the CSV in spreadsheets, so the attribution of each source is in a companion
note (:func:`licence_note`) served beside it and on the page. The JSON document carries ``licence`` and
``attribution`` at its top level, before the listings, each listing in ``listing_as_dict``'s shape (the API's).

Both are streamed. The view reads the listings' ids (:func:`published_listing_ids`) before the answer starts, so
that a database outage is a 503 rather than a download that breaks at its first byte; the chunks then read the
listings themselves in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.domain.language import localised
from registry.models import ListingStatus, Organisation
from registry.services.exports import DATA_LICENCE, EXPORT_BATCH, ExportRequest, csv_lines, json_chunks, plain_listings
from registry.services.listings import listing_as_dict


@dataclass(frozen=True)
class DataSource:
    """A source of the listings' facts (or of the places the registry searches by), with its terms of reuse."""

    name: str
    publisher: str
    used_for: str
    licence: str
    licence_url: str | None
    attribution: str

    def used_for_here(self) -> str:
        """What the source is used for, in the language being spoken (the Welsh is in ``USED_FOR_WELSH``). The
        name, licence and attribution are the publisher's own words and stay as written."""
        return str(
            localised({"used_for": self.used_for, "cy": {"used_for": USED_FOR_WELSH.get(self.name)}}, "used_for")
        )


DATA_SOURCES: tuple[DataSource, ...] = (
    DataSource(
        name="Co-operatives UK open data",
        publisher="Co-operatives UK",
        used_for="Imported listings: names, legal forms, ownership, registered numbers, addresses, sizes",
        licence="Open Data Commons Attribution License v1.0 (ODC-By 1.0)",
        licence_url="https://opendatacommons.org/licenses/by/1-0/",
        attribution="Contains Co-operatives UK open data, licensed under ODC-By 1.0.",
    ),
    DataSource(
        name="ONS Postcode Directory",
        publisher="Office for National Statistics",
        used_for="Where each postcode is (latitude, longitude), its local authority and region",
        licence="Open Government Licence v3.0",
        licence_url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        attribution=(
            "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal Mail "
            "copyright and database right. Source: Office for National Statistics licensed under the Open "
            "Government Licence v3.0."
        ),
    ),
    DataSource(
        name="GeoNames",
        publisher="GeoNames",
        used_for="Town and city names people can search by (not in the listings themselves)",
        licence="Creative Commons Attribution 4.0 (CC BY 4.0)",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Place names from GeoNames (geonames.org), licensed under CC BY 4.0.",
    ),
    DataSource(
        name="CQC care directory",
        publisher="Care Quality Commission",
        used_for="Care locations, service types and CQC provider IDs, where imported",
        licence="Open Government Licence v3.0",
        licence_url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        attribution="Contains CQC data © Care Quality Commission, licensed under the Open Government Licence v3.0.",
    ),
    DataSource(
        name="FCA Mutuals Public Register",
        publisher="Financial Conduct Authority",
        used_for="Registered societies' numbers, types, addresses and dates, where imported",
        licence="Not stated by the FCA",
        licence_url=None,
        attribution=(
            "Registration details from the FCA Mutuals Public Register. The FCA states no open licence for the "
            "register: check its terms before reusing these fields."
        ),
    ),
)


# Each source's ``used_for`` in Welsh, by the source's name: kept apart from ``DataSource`` so that the JSON
# download's ``sources`` (``asdict``) and the licence note stay as they are.
USED_FOR_WELSH: dict[str, str] = {
    "Co-operatives UK open data": (
        "Rhestriadau a fewnforiwyd: enwau, ffurfiau cyfreithiol, perchnogaeth, rhifau cofrestru, cyfeiriadau, meintiau"
    ),
    "ONS Postcode Directory": "Ble mae pob cod post (lledred, hydred), ei awdurdod lleol a'i ranbarth",
    "GeoNames": "Enwau trefi a dinasoedd y gall pobl chwilio yn eu hôl (nid yn y rhestriadau eu hunain)",
    "CQC care directory": (
        "Lleoliadau gofal, mathau o wasanaeth a dynodyddion darparwyr y CQC, lle cawsant eu mewnforio"
    ),
    "FCA Mutuals Public Register": (
        "Rhifau, mathau, cyfeiriadau a dyddiadau cymdeithasau cofrestredig, lle cawsant eu mewnforio"
    ),
}


def published_ids() -> Select[Any]:
    """Every published listing's id, in a stable order (name, then id)."""
    return (
        select(Organisation.id)
        .where(Organisation.status == ListingStatus.PUBLISHED)
        .order_by(func.lower(Organisation.name), Organisation.id)
    )


def published_listing_ids(session: Session) -> list[int]:
    return list(session.scalars(published_ids()))


def published_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(Organisation.status == ListingStatus.PUBLISHED)) or 0


def licence_summary() -> dict[str, Any]:
    """The licence of the listings as a whole: the registry's, under which the sources' terms still apply."""
    return {"name": DATA_LICENCE.name, "url": DATA_LICENCE.url, "attribution": DATA_LICENCE.attribution}


def attribution() -> dict[str, Any]:
    """Every source with its licence and the attribution its licence asks for."""
    return {
        "statement": " ".join(source.attribution for source in DATA_SOURCES),
        "sources": [asdict(source) for source in DATA_SOURCES],
    }


def licence_note(generated_at: datetime | None = None) -> str:
    """The companion note to the CSV: what it is, its licence, and each source's attribution, in plain text."""
    stamp = (generated_at or datetime.now(UTC)).replace(microsecond=0).isoformat()
    lines = [
        "Health & Care Mutuals Registry: all published listings",
        f"Generated {stamp}",
        "",
        f"Licence: {DATA_LICENCE.name} ({DATA_LICENCE.url})",
        f"Attribution: {DATA_LICENCE.attribution}",
        "",
        "Sources and their licences:",
    ]
    for source in DATA_SOURCES:
        lines += [
            "",
            f"{source.name} ({source.publisher})",
            f"  Used for: {source.used_for}",
            f"  Licence: {source.licence}" + (f" ({source.licence_url})" if source.licence_url else ""),
            f"  Attribution: {source.attribution}",
        ]
    lines += [
        "",
        "Each listing's own sources are in its 'sources' column, with their licences.",
        "",
    ]
    return "\n".join(lines)


def csv_chunks(session: Session, listing_url: Callable[[str], str], ids: Sequence[int] | None = None) -> Iterator[str]:
    """All published listings (or those of ``ids``, read beforehand with :func:`published_listing_ids`) as CSV
    text, a chunk at a time (the commissioners' export format)."""
    request = ExportRequest(
        ids=published_ids() if ids is None else ids, listing_url=listing_url, title="All published listings"
    )
    return csv_lines(session, request)


def json_document(
    session: Session, listing_url: Callable[[str], str], ids: Sequence[int] | None = None
) -> Iterator[str]:
    """All published listings (or those of ``ids``, read beforehand with :func:`published_listing_ids`) as one
    JSON document, streamed: ``licence`` and ``attribution`` first, then ``listings`` (each as the API gives it,
    with its page's ``url``), then ``count``."""
    generated_at = datetime.now(UTC).replace(microsecond=0)
    head = {
        "title": "Health & Care Mutuals Registry: all published listings",
        "generated_at": generated_at.isoformat(),
        "licence": licence_summary(),
        "attribution": attribution(),
    }
    yield from json_chunks(head, _listings(session, listing_url, ids), "listings", "count")


def _listings(
    session: Session, listing_url: Callable[[str], str], ids: Sequence[int] | None
) -> Iterator[dict[str, Any]]:
    if ids is None:
        ids = published_listing_ids(session)
    for start in range(0, len(ids), EXPORT_BATCH):
        for org in plain_listings(session, ids[start : start + EXPORT_BATCH]):
            yield {**listing_as_dict(org), "url": listing_url(org.slug)}
