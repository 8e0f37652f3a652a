"""Importers of public registers, on small fixtures in each published format and on the real Co-operatives UK file.

The fixtures (``tests/fixtures/imports/``) hold the awkward rows real files have: addresses over several lines,
blank legal forms, numbers that are no register's, dissolved organisations, duplicate rows, postcodes that do
not exist or are only partial or have a letter O for a zero, the CQC file's lines before its header and the FCA
file's misspelt "Full Registation Number". Postcodes are in the test gazetteer's areas (S, DE, HU, BT) except
where a test needs one it does not hold.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import create_app
from registry.extensions import db
from registry.models import Identifier, ListingProvenance, ListingStatus, Organisation, Revision
from registry.models.imports import ImportedRecord, ImportRun, ImportRunStatus
from registry.services.assessments import stored_reports
from registry.services.importers import CoopsUkImporter, CqcImporter, FcaMprImporter, ImportFileError, run_import
from registry.services.importers.reports import ImportReport
from registry.services.importers.runner import ImportRunner
from registry.services.listings import get_listing
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ORGANISATIONS = FIXTURES / "open_data_organisations_2017-06.csv"
ECONOMY = FIXTURES / "open_data_economy_2016.csv"
OUTLETS = FIXTURES / "open_data_outlets_2017-06.csv"
CQC_DIRECTORY = FIXTURES / "01_November_2025_CQC_directory.csv"
SOCIETY_LIST = FIXTURES / "SocietyList.csv"
REAL_COOPS_UK = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference"
    / "data"
    / "coops-uk"
    / "open_data_organisations_2017-06.csv"
)

# The rows of the organisations fixture that become listings, by Co-operatives UK ID.
LISTED = {"R900001", "R900002", "R900003", "R900004", "R900007", "R900009", "R900010"}


def coops_uk(session: Session, tmp_path: Path, path: Path = ORGANISATIONS, **options: Any) -> ImportReport:
    batch_size = options.pop("batch_size", 500)
    return run_import(session, CoopsUkImporter(path, **options), report_dir=tmp_path, batch_size=batch_size)


def listing_for(session: Session, source: str, key: str) -> Organisation:
    org_id = session.scalar(
        select(ImportedRecord.organisation_id).where(ImportedRecord.source == source, ImportedRecord.source_key == key)
    )
    assert org_id is not None, f"no listing for {source} {key}"
    org = session.scalars(select(Organisation).where(Organisation.id == org_id)).one()
    listing = get_listing(session, org.slug, published_only=False)
    assert listing is not None
    return listing


def imported(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.provenance == ListingProvenance.IMPORTED)))


def revision_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Revision)) or 0


def read_report(path: Path | None) -> list[dict[str, str]]:
    assert path is not None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------------------------------------------
# Co-operatives UK


def test_coops_uk_rows_become_published_unverified_claimable_listings(session: Session, tmp_path: Path) -> None:
    report = coops_uk(session, tmp_path)

    assert (report.created, report.updated, report.unchanged, report.skipped) == (7, 0, 0, 1)
    assert {r.source_key for r in session.scalars(select(ImportedRecord))} == LISTED
    for org in imported(session):
        assert (org.status, org.verification, org.provenance) == ("published", "unverified", "imported")
        assert org.published_at is not None
    assert report.edition == "2017-06"


def test_imported_listings_are_assessed_indexed_and_shown(
    client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    coops_uk(session, tmp_path)
    homecare = listing_for(session, "coops-uk", "R900001")

    reports = stored_reports(homecare)
    assert len(reports) == len(homecare.assessments) > 1
    assert reports[0]["ruleset_id"] == "preferred-provider"
    assert reports[0]["findings"]  # the preferred-provider profile reads every co-operative society
    page = checked_page(client.get(f"/organisations/{homecare.slug}"))
    assert "Sheffield Homecare Co-operative Limited" in text_of(page)
    found = client.get("/api/v1/organisations", query_string={"near": "S1 2HE", "radius_km": 2}).get_json()
    assert homecare.slug in [item["slug"] for item in found["data"]]


def test_coops_uk_row_facts_are_mapped_to_the_vocabularies(session: Session, tmp_path: Path) -> None:
    coops_uk(session, tmp_path)

    homecare = listing_for(session, "coops-uk", "R900001")
    assert homecare.name == "Sheffield Homecare Co-operative Limited"
    assert homecare.trading_names == ["Sheffield Homecare"]
    assert (homecare.legal_form_code, homecare.governance_model_code) == ("co_operative_society", "workers")
    assert [(i.scheme_code, i.value) for i in homecare.identifiers] == [("GB-MPR", "29791R")]
    assert homecare.founded == "2004-07-30"
    assert homecare.registered_status == "active"
    assert [s.service_type_code for s in homecare.services] == ["hsc-homecare"]
    assert homecare.services[0].description.startswith("SIC 2007 8810: Social work activities")
    office = homecare.locations[0]
    # The street's embedded newline becomes a comma.
    assert office.address == "Unit 3, The Workstation, Sheffield, South Yorkshire"
    assert (office.postcode, office.local_authority_code, office.region_code) == ("S1 2HE", "E08000039", "E12000003")
    assert office.latitude == pytest.approx(53.38, abs=0.02)
    assert office.longitude == pytest.approx(-1.47, abs=0.02)
    assert office.is_registered_office
    assert homecare.region_code == "E12000003"
    [source] = homecare.sources
    assert (source.publisher, source.licence, source.published) == ("Co-operatives UK", "ODC-By 1.0", "2017-06")
    assert "R900001" in source.note

    company = listing_for(session, "coops-uk", "R900002")
    assert (company.legal_form_code, company.governance_model_code) == (
        "company_limited_by_guarantee",
        "multi_stakeholder",
    )
    assert [(i.scheme_code, i.value) for i in company.identifiers] == [("GB-COH", "09506232")]
    assert [s.service_type_code for s in company.services] == ["hsc-community-nursing"]

    cbs = listing_for(session, "coops-uk", "R900010")
    assert cbs.legal_form_code == "community_benefit_society"  # the FCA's CBS suffix

    cic = listing_for(session, "coops-uk", "R900007")
    assert cic.legal_form_code == "community_interest_company"  # "Company", but the name ends CIC
    assert (cic.region_code, cic.identifiers[0].value) == ("N92000002", "NI616069")


def test_dissolved_organisations_are_kept_and_marked_with_their_date(session: Session, tmp_path: Path) -> None:
    coops_uk(session, tmp_path)

    dissolved = listing_for(session, "coops-uk", "R900002")
    assert (dissolved.registered_status, dissolved.dissolved_on) == ("dissolved", "2017-03-14")
    assert dissolved.status == "published"


def test_postcodes_that_cannot_be_placed_keep_the_location_without_a_position(session: Session, tmp_path: Path) -> None:
    report = coops_uk(session, tmp_path)
    warnings = {(w.line, w.source_key): w.reason for w in report.warnings}

    made_up = listing_for(session, "coops-uk", "R900003")
    assert made_up.locations[0].address == "1 Made Up Road, Nowhere"
    assert (made_up.locations[0].latitude, made_up.locations[0].postcode, made_up.region_code) == (None, None, None)
    assert warnings[(5, "R900003")] == "'ZZ9 9ZZ' is not a postcode: listed without a map position"

    # Not in the test gazetteer (Edinburgh): no position, but the region from the "UK Nation" column.
    edinburgh = listing_for(session, "coops-uk", "R900009")
    assert (edinburgh.locations[0].postcode, edinburgh.locations[0].latitude) == ("EH2 4EL", None)
    assert edinburgh.region_code == "S92000003"
    assert "We cannot find the postcode EH2 4EL" in warnings[(11, "R900009")]

    # A letter O for a zero, put right because only one reading is a real postcode.
    corrected = listing_for(session, "coops-uk", "R900004")
    assert corrected.locations[0].postcode == "DE1 0AA"
    assert corrected.locations[0].latitude is not None
    assert corrected.region_code == "E12000004"

    # Only a postcode sector: placed at its centre, and said so.
    partial = listing_for(session, "coops-uk", "R900010")
    assert partial.locations[0].postcode == "S1 4"
    assert partial.locations[0].latitude is not None
    assert partial.region_code == "E12000003"
    assert "placed at the centre of postcode sector S1 4" in warnings[(13, "R900010")]


def test_blank_legal_forms_and_bad_registered_numbers_are_listed_without_them(session: Session, tmp_path: Path) -> None:
    report = coops_uk(session, tmp_path)
    reasons = {w.source_key: [] for w in report.warnings}
    for warning in report.warnings:
        reasons[warning.source_key].append(warning.reason)

    blank = listing_for(session, "coops-uk", "R900003")
    assert (blank.legal_form_code, blank.governance_model_code, blank.identifiers) == (None, None, [])
    assert "No legal form given" in reasons["R900003"]

    bad_number = listing_for(session, "coops-uk", "R900004")
    assert bad_number.identifiers == []
    assert bad_number.legal_form_code == "co_operative_society"
    assert any("'ABC123' is not a valid number on the FCA register" in r for r in reasons["R900004"])


def test_rejected_rows_are_reported_with_line_and_reason_and_the_import_goes_on(
    session: Session, tmp_path: Path
) -> None:
    report = coops_uk(session, tmp_path)

    assert report.rejected_path == tmp_path / "open_data_organisations_2017-06.rejected.csv"
    rows = read_report(report.rejected_path)
    assert [(r["line"], r["source_key"], r["reason"]) for r in rows] == [
        ("7", "R900005", "Duplicate of line 2: the same GB-MPR number 29791R"),
        ("8", "R900002", "Duplicate of line 4: the same source key R900002"),
        ("12", "", "The row has 4 cells but the header has 26"),
        ("14", "R900011", "No registered name"),
    ]
    assert rows[0]["name"] == "Sheffield Homecare Co-op"
    warnings = read_report(report.warnings_path)
    assert {"line", "source_key", "name", "reason"} <= set(warnings[0])
    assert ("9", "R900007") in {(w["line"], w["source_key"]) for w in warnings}
    summary = "\n".join(report.summary_lines())
    assert "7 created" in summary
    assert "Rejected rows: 4" in summary
    assert str(report.rejected_path) in summary


def test_reimporting_the_same_file_changes_nothing(session: Session, tmp_path: Path) -> None:
    coops_uk(session, tmp_path)
    revisions = revision_count(session)
    before = {org.slug: (org.version, org.updated_at, org.source_digest) for org in imported(session)}

    again = coops_uk(session, tmp_path)

    assert (again.created, again.updated, again.unchanged, again.linked) == (0, 0, 7, 0)
    assert revision_count(session) == revisions
    assert {org.slug: (org.version, org.updated_at, org.source_digest) for org in imported(session)} == before
    assert session.scalar(select(func.count()).select_from(Identifier).where(Identifier.value == "29791R")) == 1


def test_a_changed_row_updates_its_listing_in_place_with_one_revision(session: Session, tmp_path: Path) -> None:
    coops_uk(session, tmp_path)
    first = listing_for(session, "coops-uk", "R900001")
    slug, revisions = first.slug, len(first.revisions)
    changed = tmp_path / "open_data_organisations_2017-06.csv"
    text = ORGANISATIONS.read_text(encoding="utf-8")
    changed.write_text(text.replace('"Sheffield Homecare","Society"', '"Homecare Sheffield","Society"'), "utf-8")

    report = coops_uk(session, tmp_path, path=changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 6)
    updated = listing_for(session, "coops-uk", "R900001")
    assert (updated.slug, updated.trading_names) == (slug, ["Homecare Sheffield"])
    assert [r.number for r in updated.revisions] == list(range(1, revisions + 2))
    assert updated.revisions[-1].summary == "Updated from Co-operatives UK open data"
    assert updated.revisions[-1].snapshot["trading_names"] == ["Homecare Sheffield"]
    assert len(imported(session)) == 7


def test_every_sector_with_all(session: Session, tmp_path: Path) -> None:
    report = coops_uk(session, tmp_path, sector=None)

    assert (report.created, report.skipped) == (8, 0)
    shop = listing_for(session, "coops-uk", "R900008")
    assert shop.services == []  # retail SIC codes name no health or care service
    assert shop.governance_model_code == "consumers"


def test_economy_and_outlets_add_size_places_and_their_sources(session: Session, tmp_path: Path) -> None:
    report = coops_uk(session, tmp_path, economy=ECONOMY, outlets=OUTLETS)

    homecare = listing_for(session, "coops-uk", "R900001")
    assert (homecare.turnover_gbp, homecare.turnover_year) == (405607, 2015)
    assert (homecare.members, homecare.employees, homecare.size_year) == (52, 48, 2015)
    assert [loc.name for loc in homecare.locations] == ["Registered office", "Sheffield Homecare: Hillsborough office"]
    outlet = homecare.locations[1]
    assert (outlet.address, outlet.postcode, outlet.is_registered_office) == (
        "40 Middlewood Road, Hillsborough, Sheffield",
        "S2 4SU",
        False,
    )
    assert outlet.latitude is not None
    assert homecare.description == "A homecare co-operative owned by its care workers."
    assert (homecare.phone, homecare.website) == ("0114 496 0000", "https://www.example.org")
    assert [(s.title, s.published) for s in homecare.sources] == [
        ("Co-operatives UK open data: organisations", "2017-06"),
        ("Co-operatives UK open data: economy", "2016"),
        ("Co-operatives UK open data: outlets", "2017-06"),
    ]
    negative = listing_for(session, "coops-uk", "R900004")
    assert (negative.turnover_gbp, negative.employees) == (None, 3)
    assert "The turnover -1333 is negative: left out" in {w.reason for w in report.warnings}


def test_a_file_in_another_format_is_refused_before_anything_is_written(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="is not a Co-operatives UK organisations file"):
        coops_uk(session, tmp_path, path=SOCIETY_LIST)
    with pytest.raises(ImportFileError, match="is not the FCA society list"):
        run_import(session, FcaMprImporter(ORGANISATIONS), report_dir=tmp_path)
    with pytest.raises(ImportFileError, match="is not a CQC care directory file"):
        run_import(session, CqcImporter(ORGANISATIONS), report_dir=tmp_path)
    assert imported(session) == []


# ---------------------------------------------------------------------------------------------------
# Matching


def test_a_listing_people_look_after_is_only_linked_never_overwritten(session: Session, tmp_path: Path) -> None:
    own = make_listing(
        session,
        "derby-community-nurses",
        name="Derby Community Nurses Limited",
        legal_form="cic_clg",
        locations=[{"name": "Office", "address": "Friar Gate, Derby", "postcode": "DE1 3QT"}],
    )

    report = coops_uk(session, tmp_path)

    assert (report.created, report.linked) == (6, 1)
    linked = get_listing(session, "derby-community-nurses")
    assert linked is not None
    assert linked.id == own.id
    assert (linked.name, linked.legal_form_code, linked.provenance) == (
        "Derby Community Nurses Limited",
        "cic_clg",
        "self_registered",
    )
    assert [(i.scheme_code, i.value) for i in linked.identifiers] == [("GB-COH", "09506232")]
    assert linked.revisions[-1].summary == "Linked to Co-operatives UK open data: added GB-COH 09506232"
    assert linked.registered_status == "active"  # the register's word does not overwrite the organisation's

    again = coops_uk(session, tmp_path)
    assert (again.linked, again.unchanged) == (0, 7)


def test_a_suspended_imported_listing_is_not_published_again_when_its_row_changes(
    session: Session, tmp_path: Path
) -> None:
    coops_uk(session, tmp_path)
    suspended = listing_for(session, "coops-uk", "R900001")
    suspended.status = ListingStatus.SUSPENDED
    session.commit()
    changed = tmp_path / "open_data_organisations_2017-06.csv"
    text = ORGANISATIONS.read_text(encoding="utf-8")
    changed.write_text(text.replace('"Sheffield Homecare","Society"', '"Homecare Sheffield","Society"'), "utf-8")

    report = coops_uk(session, tmp_path, path=changed)

    assert report.updated == 0
    after = listing_for(session, "coops-uk", "R900001")
    assert (after.status, after.trading_names) == ("suspended", ["Sheffield Homecare"])


def test_a_listing_matched_by_identifier_merges_every_source(session: Session, tmp_path: Path) -> None:
    coops_uk(session, tmp_path)
    fca = run_import(session, FcaMprImporter(SOCIETY_LIST), report_dir=tmp_path)

    assert fca.updated == 1
    homecare = listing_for(session, "coops-uk", "R900001")
    assert listing_for(session, "fca-mpr", "29791R").id == homecare.id
    assert [s.title for s in homecare.sources] == [
        "FCA Mutuals Public Register: society list",
        "Co-operatives UK open data: organisations",
    ]
    assert homecare.governance_model_code == "workers"  # from Co-operatives UK: the FCA does not say
    assert [r.author for r in homecare.revisions] == [
        "import: Co-operatives UK open data",
        "import: FCA Mutuals Public Register",
    ]

    # Each source again, in either order: nothing changes.
    revisions = revision_count(session)
    assert coops_uk(session, tmp_path).updated == 0
    assert run_import(session, FcaMprImporter(SOCIETY_LIST), report_dir=tmp_path).updated == 0
    assert revision_count(session) == revisions


def test_an_interrupted_import_keeps_whole_batches_and_a_rerun_completes_it(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"batches": 0}
    original = ImportRunner._insert_created

    def fail_in_the_second_batch(self: ImportRunner, *args: Any) -> None:
        calls["batches"] += 1
        original(self, *args)
        if calls["batches"] == 2:
            raise KeyboardInterrupt  # as if someone pressed Ctrl-C half way through writing the batch

    monkeypatch.setattr(ImportRunner, "_insert_created", fail_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        coops_uk(session, tmp_path, batch_size=2)

    # The first batch (two rows) is saved whole; nothing of the second is.
    assert {r.source_key for r in session.scalars(select(ImportedRecord))} == {"R900001", "R900002"}
    assert len(imported(session)) == 2
    run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert run is not None
    assert (run.status, run.counts["created"]) == (ImportRunStatus.INTERRUPTED, 2)

    monkeypatch.setattr(ImportRunner, "_insert_created", original)
    report = coops_uk(session, tmp_path, batch_size=2)

    assert (report.created, report.unchanged) == (5, 2)
    assert {r.source_key for r in session.scalars(select(ImportedRecord))} == LISTED
    assert len(imported(session)) == 7
    numbers = session.execute(select(Revision.organisation_id, func.count()).group_by(Revision.organisation_id)).all()
    assert all(count == 1 for org_id, count in numbers if org_id in {o.id for o in imported(session)})


# ---------------------------------------------------------------------------------------------------
# CQC and the FCA register


def test_cqc_directory_adds_locations_services_and_provider_id_to_the_matching_listing(
    session: Session, tmp_path: Path
) -> None:
    coops_uk(session, tmp_path)

    report = run_import(session, CqcImporter(CQC_DIRECTORY), report_dir=tmp_path)

    assert report.edition == "2025-11-01"
    assert (report.created, report.updated, report.skipped) == (0, 1, 1)
    homecare = listing_for(session, "cqc", "1-100000001")
    assert homecare.id == listing_for(session, "coops-uk", "R900001").id  # by name and postcode
    assert ("CQC", "1-100000001") in {(i.scheme_code, i.value) for i in homecare.identifiers}
    assert [loc.name for loc in homecare.locations] == [
        "Registered office",
        "Sheffield Homecare - Head Office",
        "Sheffield Homecare - Hillsborough",
    ]
    assert all(loc.latitude is not None for loc in homecare.locations)
    assert [s.service_type_code for s in homecare.services] == ["hsc-homecare", "hsc-supported-living"]
    assert {s.licence for s in homecare.sources} == {"ODC-By 1.0", "OGL v3.0"}

    rejected = [(p.line, p.reason) for p in report.rejected]
    assert rejected == [
        (10, "'1-ABC' is not a CQC provider ID"),
        (11, "Duplicate of line 6: the same CQC location 1-900000001"),
    ]
    assert "The CQC service type 'Telepathy services' is not one we know" in {w.reason for w in report.warnings}

    again = run_import(session, CqcImporter(CQC_DIRECTORY), report_dir=tmp_path)
    assert (again.updated, again.unchanged) == (0, 1)


def test_cqc_providers_that_match_no_listing_are_listed_only_when_asked(session: Session, tmp_path: Path) -> None:
    report = run_import(session, CqcImporter(CQC_DIRECTORY, add_unmatched=True), report_dir=tmp_path)

    assert report.created == 2
    care_group = listing_for(session, "cqc", "1-100000002")
    assert care_group.name == "Big Care Group Limited"
    assert care_group.legal_form_code is None  # CQC registration does not say what kind of body it is
    assert [s.service_type_code for s in care_group.services] == ["hsc-nursing-home", "hsc-care-home"]
    assert (care_group.region_code, care_group.locations[0].local_authority_code) == ("E12000003", "E06000010")


def test_fca_society_list_with_its_misspelt_header(session: Session, tmp_path: Path) -> None:
    report = run_import(session, FcaMprImporter(SOCIETY_LIST), report_dir=tmp_path)

    assert (report.created, report.skipped) == (4, 1)
    cbs = listing_for(session, "fca-mpr", "7321CBS")
    assert (cbs.legal_form_code, cbs.founded) == ("community_benefit_society", "2016-05-01")
    assert (cbs.locations[0].address, cbs.locations[0].postcode) == ("4 Iron Gate, Derby", "DE1 3QT")
    assert cbs.region_code == "E12000004"
    assert [s.service_type_code for s in cbs.services] == ["hsc-foster-care"]
    assert cbs.sources[0].licence == "Not stated by the FCA: check before reuse"

    deregistered = listing_for(session, "fca-mpr", "28995R")
    assert (deregistered.registered_status, deregistered.dissolved_on) == ("dissolved", "2011-03-29")
    assert deregistered.locations[0].postcode == "HU1 1AA"

    unknown_suffix = listing_for(session, "fca-mpr", "12345X")
    assert (unknown_suffix.identifiers, unknown_suffix.locations[0].postcode) == ([], None)
    reasons = {w.reason for w in report.warnings if w.source_key == "12345X"}
    assert "The registration number '12345X' is not one we recognise: listed without it" in reasons
    assert "The registered office has no postcode: listed without a map position" in reasons

    assert [(p.line, p.reason) for p in report.rejected] == [(9, "No society name")]
    assert run_import(session, FcaMprImporter(SOCIETY_LIST, everything=True), report_dir=tmp_path).created == 1


# ---------------------------------------------------------------------------------------------------
# The command


def test_import_command_prints_the_summary_and_writes_the_report(app: Flask, session: Session, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["import", "coops-uk", str(ORGANISATIONS), "--report-dir", str(tmp_path), "--batch-size", "3"]
    )

    assert result.exit_code == 0, result.output
    assert "Co-operatives UK open data (2017-06): 12 rows read" in result.output
    assert "7 created, 0 updated, 0 unchanged" in result.output
    assert (tmp_path / "open_data_organisations_2017-06.rejected.csv").exists()

    refused = app.test_cli_runner().invoke(args=["import", "fca-mpr", str(ORGANISATIONS)])
    assert refused.exit_code == 2
    assert "is not the FCA society list" in refused.output


# ---------------------------------------------------------------------------------------------------
# The real Co-operatives UK file


@pytest.fixture(scope="module")
def real_file_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A database of its own, with the gazetteer built from just the postcodes the real file names."""
    if not REAL_COOPS_UK.exists():
        pytest.skip(f"The real Co-operatives UK file is not at {REAL_COOPS_UK} (../shared/ beside the repository)")
    from registry.domain.postcodes import PostcodeKind, parse_postcode_query
    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.gazetteer.sources import PostcodeRecord, ons_postcode_chunks
    from registry.services.reference_data import load_reference_data

    with REAL_COOPS_UK.open(encoding="utf-8", newline="") as handle:
        keys = set()
        for row in csv.DictReader(handle):
            query = parse_postcode_query(row["Registered Postcode"])
            if query.kind is PostcodeKind.POSTCODE and query.storage_key:
                keys.add(query.storage_key)
    records = [
        PostcodeRecord(pcd, chunk.lad_code[i], float(chunk.easting[i]), float(chunk.northing[i]))
        for chunk in ons_postcode_chunks()
        for i, pcd in enumerate(chunk.pcd)
        if pcd in keys
    ]
    directory = tmp_path_factory.mktemp("real-coops-uk")
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'registry.db'}",
            "SECRET_KEY": "test-secret-key-not-for-production",
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data(db.session)
        db.session.commit()
        build_gazetteer(db.session, records=records, places=[])
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow
def test_the_real_coops_uk_file_brings_in_its_133_health_and_social_care_organisations(
    real_file_app: Flask, tmp_path: Path
) -> None:
    with real_file_app.app_context():
        session = db.session()
        report = run_import(session, CoopsUkImporter(REAL_COOPS_UK), report_dir=tmp_path)

        assert (report.rows_read, report.created, report.skipped, len(report.rejected)) == (8371, 133, 8238, 0)
        orgs = {r.source_key: r.organisation for r in session.scalars(select(ImportedRecord))}
        assert len(orgs) == 133
        assert all(org.region_code for org in orgs.values())
        assert sum(org.registered_status == "dissolved" for org in orgs.values()) == 36
        forms: dict[str | None, int] = {}
        for org in orgs.values():
            forms[org.legal_form_code] = forms.get(org.legal_form_code, 0) + 1
        # The CSV: Society 36 (one with an FCA CBS number), Company 77 (two owned by employee trusts, three
        # named CIC), Community Interest Company 18, LLP 1, blank 1.
        assert forms == {
            "co_operative_society": 35,
            "community_benefit_society": 1,
            "company_limited_by_guarantee": 72,
            "company_limited_by_shares": 2,
            "community_interest_company": 21,
            "llp": 1,
            None: 1,
        }

        # A handful checked against the CSV by hand: ID, legal form, region (from the postcode), identifier.
        expected = {
            "R000346": ("co_operative_society", "E12000006", ("GB-MPR", "29791R")),  # Bedford On Call, MK42 9DJ
            "R002129": ("company_limited_by_shares", "E12000001", ("GB-COH", "02927759")),  # Employee Trust, NE2 1QQ
            "R005158": ("community_interest_company", "E12000002", ("GB-COH", "07008268")),  # Sunshine Care, OL16 5HN
            "R015519": ("community_benefit_society", "W92000004", ("GB-MPR", "7320CBS")),  # WITH, LL49 9YL
            "R014564": ("co_operative_society", "N92000002", ("GB-COH", "NI037937")),  # Ballywalter, DETINI
            "R007666": ("company_limited_by_guarantee", "S92000003", ("GB-COH", "SC196855")),  # The Keil Centre
            "R008977": ("llp", "E12000004", ("GB-COH", "OC386023")),  # Kind Minds LLP, NN2 6JN
            "R002038": ("co_operative_society", "E12000003", ("GB-MPR", "26525R")),  # Sheffield Children's Centre
            "R008825": ("community_interest_company", "E12000008", ("GB-COH", "08505989")),  # named CIC, PO5 1QJ
        }
        for key, (legal_form, region, identifier) in expected.items():
            org = orgs[key]
            assert (org.legal_form_code, org.region_code) == (legal_form, region), key
            assert [(i.scheme_code, i.value) for i in org.identifiers] == [identifier], key

        kind_minds = orgs["R008977"]
        assert (kind_minds.registered_status, kind_minds.dissolved_on) == ("dissolved", "2017-05-09")
        creche = orgs["R001716"]  # blank legal form; registrar "Legal Form is not defined"
        assert (creche.legal_form_code, creche.region_code) == (None, "S92000003")
        assert orgs["R002129"].governance_model_code == "employee_owned_trust"

        again = run_import(session, CoopsUkImporter(REAL_COOPS_UK), report_dir=tmp_path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 133)
        session.rollback()
        db.session.remove()
