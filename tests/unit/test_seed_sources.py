"""The curated listings in data/seed/: every fact comes from a named, dated source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from registry.services.seed import SEED_DIR, SeedError, read_seed_listings

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def test_every_curated_fact_has_a_source_with_a_date() -> None:
    listings = read_seed_listings()
    assert len(listings) >= 60
    for entry in listings:
        facts = {key for key in entry if key not in {"slug", "sources"}}
        named: set[str] = set()
        for source in entry["sources"]:
            assert _DATE.match(str(source["published"])), (entry["slug"], source["title"])
            assert source["title"] and source.get("publisher"), (entry["slug"], source)
            named.update(source["facts"])
        assert facts <= named, (entry["slug"], facts - named)


def test_no_source_is_an_internal_research_note() -> None:
    for entry in read_seed_listings():
        for source in entry["sources"]:
            text = f"{source['title']} {source.get('note', '')}"
            assert "directories-and-standards" not in text and "§" not in text, entry["slug"]


def test_the_curated_set_covers_every_nation() -> None:
    nations = [entry["region"][0] for entry in read_seed_listings()]
    for nation in "WSN":
        assert nations.count(nation) >= 3, nation


def test_one_entry_per_organisation() -> None:
    slugs = [entry["slug"] for entry in read_seed_listings()]
    names = [entry["name"].lower() for entry in read_seed_listings()]
    assert len(slugs) == len(set(slugs)) and len(names) == len(set(names))


def test_the_corrections_the_issue_asked_for_are_in_the_data() -> None:
    by_slug = {entry["slug"]: entry for entry in read_seed_listings()}
    areas = {group["described_as"] for group in by_slug["mutual-support"]["service_areas"]}
    assert {"South Yorkshire", "North Derbyshire"} <= areas
    for slug, year in (("peninsula-community-health-cic", "2016"), ("seqol", "2016")):
        assert by_slug[slug]["registered_status"] == "dissolved"
        assert str(by_slug[slug]["dissolved_on"]).startswith(year)
        closing = [s for s in by_slug[slug]["sources"] if "dissolved_on" in s["facts"]]
        assert closing and all(str(s["published"]).startswith(year) for s in closing)
    assert by_slug["bromley-healthcare"]["legal_form"] and by_slug["anglian-community-enterprise"]["legal_form"]


def _write(tmp_path: Path, entry: dict[str, object]) -> Path:
    (tmp_path / "test.yaml").write_text(yaml.safe_dump({"listings": [entry]}), encoding="utf-8")
    return tmp_path


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "slug": "an-example",
        "name": "An Example Co-operative",
        "legal_form": "co_operative_society",
        "sources": [
            {"title": "Annual report", "publisher": "Itself", "published": "2021", "facts": ["name", "legal_form"]}
        ],
    }
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(description="Unsourced words."), "description without a source"),
        (
            _entry(sources=[{"title": "Annual report", "publisher": "Itself", "facts": ["name", "legal_form"]}]),
            "has no date",
        ),
        (
            _entry(sources=[{"title": "Annual report", "published": "last year", "facts": ["name", "legal_form"]}]),
            "has no date",
        ),
        (_entry(sources=[{"title": "Annual report", "published": "2021"}]), "does not name the facts"),
        (
            _entry(sources=[{"title": "Annual report", "published": "2021", "facts": ["name", "legal_form", "size"]}]),
            "does not give",
        ),
    ],
)
def test_a_fact_without_a_source_or_a_source_without_a_date_stops_the_load(
    tmp_path: Path, entry: dict[str, object], message: str
) -> None:
    with pytest.raises(SeedError, match=message):
        read_seed_listings(_write(tmp_path, entry))


def test_a_well_sourced_entry_loads(tmp_path: Path) -> None:
    assert [e["slug"] for e in read_seed_listings(_write(tmp_path, _entry()))] == ["an-example"]


def test_the_seed_directory_is_split_by_nation() -> None:
    assert {p.stem for p in SEED_DIR.glob("*.yaml")} == {"england", "wales", "scotland", "northern-ireland"}
