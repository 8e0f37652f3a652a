"""Exports of listings as CSV, Excel and JSON, streamed, with the licence and date on every one.

Listings are read in batches by id and written out row by row, so a large export holds one batch of listings in
memory, not every one.

Two kinds of export. The machine-readable ones keep the listing's own keys and codes: the JSON export (the API's
listing with its assessments) and the open data CSV (``csv_lines``: a column per field, codes beside labels, lists
of records whole as JSON in a cell). The commissioners' CSV and Excel exports are in words (``csv_in_words``,
``xlsx_file``): headers from ``data/reference/export_columns.yaml``, values in the labels the pages show, one row
per listing with its lists as readable text, and in the workbook each list's records on a sheet of their own.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from registry.domain import labels
from registry.domain.export_columns import Column, export_columns_spec
from registry.domain.language import current_language, speaking
from registry.domain.language import gettext as _
from registry.domain.procurement import procurement_guide
from registry.domain.reference_data import reference_wording
from registry.models import (
    LISTING_RECORD_LISTS,
    Assessment,
    BoardSeat,
    GovernanceModel,
    Identifier,
    IdentifierScheme,
    LegalForm,
    ListingStatus,
    Location,
    MemberClass,
    MemberClassKind,
    Organisation,
    Region,
    Service,
    ServiceArea,
    ServiceType,
    SignificantControl,
    Source,
)
from registry.services.assessments import in_current_language
from registry.services.commissioners import ruleset_titles
from registry.services.editing import STATUS_LABELS, VERIFICATION_LABELS, readable_lines
from registry.services.listings import listing_as_dict

EXPORT_BATCH = 1000
Chunk = TypeVar("Chunk")


@dataclass(frozen=True)
class Licence:
    name: str
    url: str
    attribution: str


# The registry's listings are open data; what they contain from others keeps its attribution.
DATA_LICENCE = Licence(
    name="Open Data Commons Attribution License v1.0 (ODC-By 1.0)",
    url="https://opendatacommons.org/licenses/by/1-0/",
    attribution=(
        "Health & Care Mutuals Registry. Contains Co-operatives UK open data (ODC-By 1.0). Contains OS data "
        "© Crown copyright and database right, Royal Mail data © Royal Mail copyright and database right, and "
        "National Statistics data © Crown copyright and database right (Open Government Licence v3.0). Each "
        "listing names the sources of its facts."
    ),
)

_SCALARS = (
    "slug",
    "name",
    "status",
    "verification",
    "registered_status",
    "dissolved_on",
    "merged_into",
    "provenance",
    "description",
    "website",
    "email",
    "phone",
    "founded",
    "is_public_body",
    "members_registered_societies",
    "has_significant_control",
)
_CODED = {"legal_form": "label", "governance_model": "label", "region": "name"}
_GROUPS = {
    "origin": ("type", "parent_body", "programme", "spun_out"),
    "size": (
        "employees",
        "members",
        "year",
        "turnover_gbp",
        "turnover_year",
        "trading_income_pct",
    ),
    "financial_rules": (
        "asset_lock",
        "cic_asset_lock_schedule",
        "dissolution_clause",
        "distribution_basis",
        "dividend_cap_pct",
        "share_interest_cap_pct",
        "profits_reinvested_pct",
    ),
    "charity": ("trustees_total", "trustees_paid"),
}
# Lists of records are kept whole as JSON in one cell, so nothing is lost; the commonest also get a readable cell.
_RECORD_LISTS = LISTING_RECORD_LISTS


def export_columns(with_notes: bool = False, with_profile: bool = False) -> list[str]:
    """The CSV and spreadsheet columns: every field of a listing, each rule set's verdict, licence and date."""
    columns = [*_SCALARS[:2], "url", "trading_names", *_SCALARS[2:]]
    for key, label in _CODED.items():
        columns += [key, f"{key}_{label}"]
    for group, keys in _GROUPS.items():
        columns += [f"{group}_{key}" for key in keys]
    columns += ["structure_details", "identifier_list", "service_list", "service_codes"]
    columns += ["service_area_list", "service_area_codes", *_RECORD_LISTS]
    columns += [f"verdict_{ruleset_id}" for ruleset_id in ruleset_titles()]
    columns.append("updated_at")
    if with_notes:
        columns.append("shortlist_note")
    if with_profile:
        columns += ["profile", "profile_verdict"]
    return [*columns, "verdicts_note", "licence", "exported_at"]


# One encoder for every cell: json.dumps with options builds a new encoder on each call.
_json_cell = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def flat_row(
    listing: dict[str, Any], verdicts: dict[str, str], url: str, rulesets: Iterable[str] | None = None
) -> dict[str, Any]:
    """One listing (``listing_as_dict``) as one row of plain values; ``rulesets`` are the verdict columns."""
    row: dict[str, Any] = {key: listing[key] for key in _SCALARS}
    row["url"] = url
    row["trading_names"] = "; ".join(listing["trading_names"])
    for key, label in _CODED.items():
        value = listing[key]
        row[key] = value["code"] if value else None
        row[f"{key}_{label}"] = value[label] if value else None
    for group, keys in _GROUPS.items():
        for key in keys:
            row[f"{group}_{key}"] = listing[group][key]
    row["structure_details"] = _json_cell(listing["structure_details"]) if listing["structure_details"] else ""
    row["identifier_list"] = "; ".join(f"{i['scheme']} {i['value']}" for i in listing["identifiers"])
    row["service_list"] = "; ".join(s["label"] for s in listing["services"])
    row["service_codes"] = "; ".join(s["code"] for s in listing["services"])
    row["service_area_list"] = "; ".join(a["name"] for a in listing["service_areas"])
    row["service_area_codes"] = "; ".join(a["local_authority_code"] for a in listing["service_areas"])
    for key in _RECORD_LISTS:
        row[key] = _json_cell(listing[key]) if listing[key] else ""
    for ruleset_id in rulesets if rulesets is not None else ruleset_titles():
        row[f"verdict_{ruleset_id}"] = verdicts.get(ruleset_id, "")
    row["updated_at"] = listing["updated_at"]
    return row


@dataclass(frozen=True)
class ProfileColumn:
    """A commissioner's profile as export columns: its name and version, and the verdicts of a batch of ids."""

    label: str
    verdicts: Callable[[Sequence[int]], dict[int, str]]


@dataclass(frozen=True)
class ExportRequest:
    """What to export: listing ids in order (a search's matches or a shortlist), notes by id for a shortlist."""

    ids: Select[Any] | Sequence[int]
    listing_url: Callable[[str], str]  # a slug to the absolute URL of the listing's page
    notes: dict[int, str] | None = None
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    title: str = "Listings"
    described_as: str = ""
    profile: ProfileColumn | None = None


def _in_language(language: str, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
    """``chunks`` made speaking ``language``: a download is streamed after its request has ended, so each chunk is
    made in the language of the request that asked for it (set and reset around each, in whatever context the
    server reads the stream)."""
    iterator = iter(chunks)
    while True:
        with speaking(language):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def in_the_language_asked(export: Callable[..., Iterator[Chunk]]) -> Callable[..., Iterator[Chunk]]:
    """An export in words, streamed in the language being spoken when it was asked for."""

    @functools.wraps(export)
    def streamed(*args: Any, **kwargs: Any) -> Iterator[Chunk]:
        return _in_language(current_language(), export(*args, **kwargs))

    return streamed


def _ids(session: Session, request: ExportRequest) -> list[int]:
    if isinstance(request.ids, Select):
        return list(session.scalars(request.ids))
    return list(request.ids)


def _batches(ids: list[int], size: int = EXPORT_BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Each listing's child rows, in the order the model's relationships give them.
_CHILDREN: tuple[tuple[str, Any, tuple[Any, ...]], ...] = (
    ("identifiers", Identifier, (Identifier.scheme_code,)),
    ("member_classes", MemberClass, (MemberClass.position, MemberClass.id)),
    ("board_seats", BoardSeat, (BoardSeat.position, BoardSeat.id)),
    ("significant_controls", SignificantControl, (SignificantControl.position, SignificantControl.id)),
    ("service_areas", ServiceArea, (ServiceArea.name, ServiceArea.id)),
    ("locations", Location, (Location.position, Location.id)),
    ("sources", Source, (Source.position, Source.id)),
)


def _records(connection: Connection, statement: Any) -> Iterator[dict[str, Any]]:
    result = connection.execute(statement)
    keys = list(result.keys())
    for row in result:
        yield dict(zip(keys, row, strict=True))


def plain_listings(session: Session, batch: Sequence[int], with_reports: bool = False) -> list[Any]:
    """The published listings among ``batch`` (in its order) as plain records with the models' attribute names,
    so ``listing_as_dict`` shapes them exactly as it shapes a loaded ``Organisation``.

    Read with one Core query per table: loading 10,000 listings and their nine kinds of child rows as ORM
    objects takes several times longer, and an export only reads them once.
    """
    ids = list(batch)
    # Core statements on the session's connection: the same transaction, without the ORM's result processing.
    connection = session.connection()
    found: dict[int, SimpleNamespace] = {}
    for values in _records(
        connection,
        select(
            Organisation.__table__,
            LegalForm.label.label("legal_form_label"),
            GovernanceModel.label.label("governance_model_label"),
            Region.name.label("region_name"),
        )
        .outerjoin(LegalForm, LegalForm.code == Organisation.legal_form_code)
        .outerjoin(GovernanceModel, GovernanceModel.code == Organisation.governance_model_code)
        .outerjoin(Region, Region.code == Organisation.region_code)
        .where(Organisation.id.in_(ids), Organisation.status == ListingStatus.PUBLISHED),
    ):
        record = SimpleNamespace(**values)
        code, label = values["legal_form_code"], values["legal_form_label"]
        record.legal_form = SimpleNamespace(code=code, label=label) if code else None
        code, label = values["governance_model_code"], values["governance_model_label"]
        record.governance_model = SimpleNamespace(code=code, label=label) if code else None
        code, name = values["region_code"], values["region_name"]
        record.region = SimpleNamespace(code=code, name=name) if code else None
        for key, _model, _order in _CHILDREN:
            setattr(record, key, [])
        record.services = []
        record.assessments = []
        found[record.id] = record
    present = list(found)
    if not present:
        return []
    for key, model, order in _CHILDREN:
        # Result rows read their columns as attributes already; only board seats need one added.
        statement = select(model.__table__).where(model.organisation_id.in_(present))
        result = connection.execute(statement.order_by(model.organisation_id, *order))
        owner = list(result.keys()).index("organisation_id")
        lists = {org_id: getattr(record, key) for org_id, record in found.items()}
        for row in result:
            lists[row[owner]].append(row)
    labels = dict(connection.execute(select(ServiceType.code, ServiceType.label)).all())
    statement = select(Service.__table__).where(Service.organisation_id.in_(present))
    for values in _records(connection, statement.order_by(Service.organisation_id, Service.position, Service.id)):
        service = SimpleNamespace(**values, service_type=SimpleNamespace(label=labels[values["service_type_code"]]))
        found[values["organisation_id"]].services.append(service)
    assessment_columns = [Assessment.organisation_id, Assessment.ruleset_id, Assessment.verdict]
    if with_reports:
        assessment_columns.append(Assessment.report)
    statement = select(*assessment_columns).where(Assessment.organisation_id.in_(present))
    for row in connection.execute(statement.order_by(Assessment.organisation_id, Assessment.ruleset_id)):
        found[row[0]].assessments.append(row)
    for record in found.values():
        if record.board_seats:
            classes = {m.id: m for m in record.member_classes}
            record.board_seats = [
                SimpleNamespace(**seat._asdict(), elected_by=classes.get(seat.elected_by_id))
                for seat in record.board_seats
            ]
    return [found[i] for i in ids if i in found]


RowMaker = Callable[[dict[str, Any], dict[str, str], str, list[str]], dict[str, Any]]


def _listing_rows(
    session: Session, request: ExportRequest, make_row: RowMaker, verdict_words: Mapping[str, str] | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each published listing (``listing_as_dict``) and its row, read a batch at a time: ``make_row`` makes the
    row from the listing, its verdicts, its page's URL and the rule sets; the export's own columns are added."""
    stamp = request.exported_at.isoformat()
    licence = f"{DATA_LICENCE.name}: {DATA_LICENCE.url}"
    verdicts_note = procurement_guide().caveat
    rulesets = list(ruleset_titles())
    for batch in _batches(_ids(session, request)):
        against = request.profile.verdicts(batch) if request.profile is not None else {}
        for org in plain_listings(session, batch):
            listing = listing_as_dict(org)
            verdicts = {a.ruleset_id: a.verdict for a in org.assessments}
            row = make_row(listing, verdicts, request.listing_url(org.slug), rulesets)
            if request.notes is not None:
                row["shortlist_note"] = request.notes.get(org.id, "")
            if request.profile is not None:
                verdict = against.get(org.id, "")
                row["profile"] = request.profile.label
                row["profile_verdict"] = verdict_words.get(verdict, verdict) if verdict_words else verdict
            row["verdicts_note"] = verdicts_note
            row["licence"] = licence
            row["exported_at"] = stamp
            yield listing, row


def export_rows(session: Session, request: ExportRequest) -> Iterator[dict[str, Any]]:
    """Flat rows of the open data CSV (``export_columns``), one per published listing, read a batch at a time."""
    for _listing, row in _listing_rows(session, request, flat_row):
        yield row


_FORMULA_STARTS = "=+-@\t\r"


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``) starts with an apostrophe instead."""
    return {
        key: "'" + value if value.__class__ is str and value[:1] in _FORMULA_STARTS and value else value
        for key, value in row.items()
    }


def _csv_text(header: Sequence[str], columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text a chunk at a time: a UTF-8 byte-order mark (so Excel reads the accents), the header, then each
    row's ``columns``, made safe from formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        safe = spreadsheet_safe(row)
        writer.writerow([safe.get(column) for column in columns])
        if count % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_lines(session: Session, request: ExportRequest) -> Iterator[str]:
    """The open data CSV, a chunk at a time: a column per field named by its key, codes beside labels, lists of
    records as JSON. Every row carries the licence and the export's date."""
    columns = export_columns(with_notes=request.notes is not None, with_profile=request.profile is not None)
    return _csv_text(columns, columns, export_rows(session, request))


# ---------------------------------------------------------------------------------------------------
# The commissioners' exports in words


@dataclass(frozen=True)
class ExportWords:
    """The words an export in words needs beyond a listing's own labels: the registers' and member kinds' names,
    read once per export."""

    schemes: dict[str, str]
    member_kinds: dict[str, str]

    @classmethod
    def read(cls, session: Session) -> ExportWords:
        connection = session.connection()
        schemes = dict(connection.execute(select(IdentifierScheme.code, IdentifierScheme.label)).all())
        kinds = dict(connection.execute(select(MemberClassKind.code, MemberClassKind.label)).all())
        # The tables hold the English; the words in the language being spoken come from the vocabularies' files.
        return cls(
            schemes={
                code: reference_wording("identifier_schemes", code, "label", label) for code, label in schemes.items()
            },
            member_kinds={
                code: reference_wording("member_class_kinds", code, "label", label) for code, label in kinds.items()
            },
        )


def listing_columns(request: ExportRequest) -> list[Column]:
    """The columns of an export in words: each with its header's words (``export_columns.yaml``)."""
    return export_columns_spec().listing_columns(
        ruleset_titles(), shortlist=request.notes is not None, profile=request.profile is not None
    )


def cell(value: Any) -> Any:
    """A value as a person reads it in a cell: yes or no, a whole number without ".0", a list joined by "; ", a
    fact made of parts as "Part: value, Part: value", nothing for a value not known."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(cell(item)) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{_key_words(key)}: {cell(item)}" for key, item in value.items())
    return value


def _key_words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _joined(lines: Iterable[Any]) -> str:
    return _joined_by("; ", lines)


def _joined_by(separator: str, parts: Iterable[Any]) -> str:
    return separator.join(str(part) for part in parts if part not in (None, ""))


def _coded(value: dict[str, str] | None, label: str, vocabulary: str) -> str:
    """A coded value's words (``label``) in the language being spoken, looked up by its code in ``vocabulary``."""
    return reference_wording(vocabulary, value["code"], label, value[label]) if value else ""


# Fields whose codes read as words through the vocabularies of labels.yaml.
_WORDED_FIELDS = {
    "origin_type": labels.ORIGIN,
    "origin_programme": labels.SPIN_OUT_PROGRAMME,
    "financial_rules_asset_lock": labels.ASSET_LOCK,
    "financial_rules_dissolution_clause": labels.DISSOLUTION_CLAUSE,
    "financial_rules_distribution_basis": labels.DISTRIBUTION_BASIS,
}


def row_in_words(
    listing: dict[str, Any], verdicts: dict[str, str], url: str, rulesets: Iterable[str], words: ExportWords
) -> dict[str, Any]:
    """One listing (``listing_as_dict``) as one row of the commissioners' CSV and Listings sheet: codes in words,
    each list of records as readable text (member classes by name, the board seat by seat...)."""
    spec = export_columns_spec()
    row: dict[str, Any] = {key: cell(listing[key]) for key in _SCALARS}
    row["url"] = url
    row["trading_names"] = _joined(listing["trading_names"])
    row["legal_form"] = _coded(listing["legal_form"], "label", "legal_forms")
    row["governance_model"] = _coded(listing["governance_model"], "label", "governance_models")
    row["region"] = _coded(listing["region"], "name", "regions")
    status, verification = listing["status"], listing["verification"]
    row["status"] = _(STATUS_LABELS[status]) if status in STATUS_LABELS else status
    row["verification"] = _(VERIFICATION_LABELS[verification]) if verification in VERIFICATION_LABELS else verification
    for key in ("registered_status", "provenance"):
        row[key] = spec.values[key].get(listing[key], cell(listing[key]))
    for group, keys in _GROUPS.items():
        for key in keys:
            value = listing[group][key]
            vocabulary = _WORDED_FIELDS.get(f"{group}_{key}")
            row[f"{group}_{key}"] = vocabulary.get(value, value) if vocabulary and value else cell(value)
    row["identifiers"] = _joined(
        f"{words.schemes.get(i['scheme'], i['scheme'])}: {i['value']}" for i in listing["identifiers"]
    )
    row["member_classes"] = _joined(
        m["name"] or words.member_kinds.get(m["kind"], m["kind"]) for m in listing["member_classes"]
    )
    for key in ("board_seats", "significant_controls", "locations"):
        row[key] = _joined(readable_lines(key, listing[key]))
    # A source's notes can run to paragraphs: the row names each source; the Sources sheet has the rest.
    row["sources"] = _joined(_joined_by(", ", (s["title"], s["publisher"], s["published"])) for s in listing["sources"])
    row["structure_details"] = _joined(
        f"{spec.structure_details.get(key, _key_words(key))}: {cell(value)}"
        for key, value in listing["structure_details"].items()
    )
    row["services"] = _joined(_service_label(s) for s in listing["services"])
    row["service_areas"] = _joined(a["name"] for a in listing["service_areas"])
    for ruleset_id in rulesets:
        verdict = verdicts.get(ruleset_id, "")
        row[f"verdict_{ruleset_id}"] = labels.VERDICT.get(verdict, verdict)
    row["updated_at"] = listing["updated_at"]
    return row


def _service_label(service: dict[str, Any]) -> str:
    return str(reference_wording("services", service["code"], "label", service["label"]))


def _rows_in_words(session: Session, request: ExportRequest) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    words = ExportWords.read(session)

    def make_row(listing: dict[str, Any], verdicts: dict[str, str], url: str, rulesets: list[str]) -> dict[str, Any]:
        return row_in_words(listing, verdicts, url, rulesets, words)

    return _listing_rows(session, request, make_row, labels.VERDICT)


@in_the_language_asked
def csv_in_words(session: Session, request: ExportRequest) -> Iterator[str]:
    """The commissioners' CSV, a chunk at a time: headers and values in words, one row per listing with its
    lists as readable text (no JSON in a cell). Every row carries the licence and the export's date."""
    columns = listing_columns(request)
    rows = (row for _listing, row in _rows_in_words(session, request))
    return _csv_text([c.label for c in columns], [c.code for c in columns], rows)


def child_rows(sheet_code: str, listing: dict[str, Any], words: ExportWords) -> Iterator[dict[str, Any]]:
    """The records of one of a listing's lists (``sheet_code``: ``member_classes``...) as rows in words."""
    facts = {column.code: column.label for column in export_columns_spec().listings}
    for record in listing[sheet_code]:
        row = {key: cell(value) for key, value in record.items()}
        if sheet_code == "identifiers":
            row["scheme"] = words.schemes.get(record["scheme"], record["scheme"])
        elif sheet_code == "member_classes":
            row["kind"] = words.member_kinds.get(record["kind"], cell(record["kind"]))
            row["voting_rule"] = labels.VOTING_RULE.get(record["voting_rule"], cell(record["voting_rule"]))
            row["votes_on"] = ", ".join(labels.VOTE_DECISION.get(d, d) for d in record["votes_on"] or [])
        elif sheet_code == "board_seats":
            source = labels.BOARD_SEAT_SOURCE.get(record["source"], cell(record["source"]))
            row["source"] = source[:1].upper() + source[1:]
            row["appointer_kind"] = words.member_kinds.get(record["appointer_kind"], cell(record["appointer_kind"]))
        elif sheet_code == "services":
            row["label"] = _service_label(record)
        elif sheet_code == "significant_controls":
            row["natures_of_control"] = _joined(n.replace("-", " ") for n in record["natures_of_control"] or [])
        elif sheet_code == "sources":
            row["facts"] = _joined(facts.get(fact, _key_words(fact)) for fact in record["facts"] or [])
        yield row


def _json_listing(org: Any, url: str, note: str | None, order: dict[str, int]) -> dict[str, Any]:
    item = listing_as_dict(org)
    item["url"] = url
    item["assessments"] = []
    for a in sorted(org.assessments, key=lambda a: order.get(a.ruleset_id, len(order))):
        # The words in the language of the download (a Welsh download has the Welsh the report keeps).
        report = in_current_language(a.report) if a.report else {}
        item["assessments"].append(
            {
                "ruleset_id": a.ruleset_id,
                "ruleset_title": report.get("ruleset_title"),
                "verdict": a.verdict,
                "reason": report.get("reason"),
                "failing_findings": [
                    {"rule_id": f["rule_id"], "title": f["title"], "reason": f["reason"], "citation": f["citation"]}
                    for f in report.get("findings", [])
                    if f.get("outcome") == "fail"
                ],
            }
        )
    if note is not None:
        item["shortlist_note"] = note
    return item


def json_chunks(head: dict[str, Any], items: Iterable[dict[str, Any]], items_key: str, count_key: str) -> Iterator[str]:
    """One JSON object streamed an item at a time: ``head``'s keys first, so a licence and date are read before
    the data, then ``items`` as a list under ``items_key``, then how many there were under ``count_key``."""
    yield json.dumps(head, ensure_ascii=False)[:-1] + f', "{items_key}": ['
    count = 0
    for item in items:
        chunk = json.dumps(item, ensure_ascii=False)
        yield chunk if count == 0 else ", " + chunk
        count += 1
    yield f'], "{count_key}": {count}}}'


@in_the_language_asked
def json_export(session: Session, request: ExportRequest) -> Iterator[str]:
    """The export as the API's success envelope, ``{"meta": {...}, "data": [...], "total": n}``, streamed a
    listing at a time."""
    ids = _ids(session, request)
    meta = {
        "title": request.title,
        "described_as": request.described_as,
        "exported_at": request.exported_at.isoformat(),
        "licence": {"name": DATA_LICENCE.name, "url": DATA_LICENCE.url},
        "attribution": DATA_LICENCE.attribution,
        "rulesets": ruleset_titles(),
        "verdicts_note": procurement_guide().caveat,
        "legal_routes": [route.as_dict() for route in procurement_guide().routes],
        "profile": request.profile.label if request.profile is not None else None,
    }
    yield from json_chunks({"meta": meta}, _json_listings(session, request, ids), "data", "total")


def _json_listings(session: Session, request: ExportRequest, ids: list[int]) -> Iterator[dict[str, Any]]:
    order = {ruleset_id: position for position, ruleset_id in enumerate(ruleset_titles())}
    for batch in _batches(ids):
        against = request.profile.verdicts(batch) if request.profile is not None else None
        for org in plain_listings(session, batch, with_reports=True):
            note = request.notes.get(org.id, "") if request.notes is not None else None
            item = _json_listing(org, request.listing_url(org.slug), note, order)
            if against is not None:
                item["profile_verdict"] = against.get(org.id)
            yield item


@in_the_language_asked
def xlsx_file(session: Session, request: ExportRequest) -> Iterator[bytes]:
    """The export as an Excel workbook in words: an "About" sheet with the licence, attribution and date, a
    "Listings" sheet (a row per listing), then a sheet for each of a listing's lists (member classes, board,
    registered numbers...) with a row per record, keyed by the listing's registry ID and name. Every sheet has
    its header frozen, filters on and widths set. XlsxWriter's constant-memory mode writes each sheet's rows to
    disk as it goes; the finished file is then sent in chunks."""
    import xlsxwriter

    spec = export_columns_spec()
    columns = listing_columns(request)
    words = ExportWords.read(session)
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        _about_sheet(workbook.add_worksheet(_("About")), request, [sheet.title for sheet in spec.sheets])
        listings = _Table(workbook.add_worksheet(_("Listings")), columns, header)
        keys = [column for column in columns if column.code in ("slug", "name")]
        children = {
            sheet.code: _Table(workbook.add_worksheet(sheet.title), [*keys, *sheet.columns], header)
            for sheet in spec.sheets
        }
        codes = [column.code for column in columns]
        child_codes = {sheet.code: [column.code for column in sheet.columns] for sheet in spec.sheets}
        for listing, row in _rows_in_words(session, request):
            listings.write([row.get(code) for code in codes])
            key = [row["slug"], row["name"]]
            for sheet_code, table in children.items():
                for child in child_rows(sheet_code, listing, words):
                    table.write([*key, *(child.get(code) for code in child_codes[sheet_code])])
        for table in (listings, *children.values()):
            table.finish()
        listings.sheet.activate()
        workbook.close()
        handle.seek(0)
        while chunk := handle.read(64 * 1024):
            yield chunk


def _about_sheet(about: Any, request: ExportRequest, sheets: list[str]) -> None:
    routes = procurement_guide().routes
    about.write_row(0, 0, [_("Title"), request.title])
    about.write_row(1, 0, [_("Filters"), request.described_as or _("None")])
    about.write_row(2, 0, [_("Exported at"), request.exported_at.isoformat()])
    about.write_row(3, 0, [_("Licence"), f"{DATA_LICENCE.name}: {DATA_LICENCE.url}"])
    about.write_row(4, 0, [_("Attribution"), DATA_LICENCE.attribution])
    about.write_row(5, 0, [_("Verdicts"), procurement_guide().caveat])
    for line, route in enumerate(routes, start=6):
        source = f"{route.source.title}, {route.source.publisher} ({route.source.published}): {route.source.url}"
        about.write_row(
            line,
            0,
            [
                _("Legal route"),
                _("%(route)s. %(summary)s Source: %(source)s", route=route.title, summary=route.summary, source=source),
            ],
        )
    line = 6 + len(routes)
    if request.profile is not None:
        about.write_row(line, 0, [_("Profile"), request.profile.label])
        line += 1
    about.write_row(
        line,
        0,
        [
            _("Sheets"),
            _(
                "%(listings)s has a row per listing. %(sheets)s have a row for each of a listing's records, starting "
                "with its registry ID and name.",
                listings=_("Listings"),
                sheets=", ".join(sheets),
            ),
        ],
    )
    about.set_column(0, 0, 14)
    about.set_column(1, 1, 120)


class _Table:
    """A worksheet written a row at a time below a frozen header, its widths set; ``finish`` turns filters on
    over the rows written."""

    def __init__(self, sheet: Any, columns: Sequence[Column], header: Any) -> None:
        self.sheet, self.width, self.rows = sheet, len(columns), 0
        for position, column in enumerate(columns):
            sheet.set_column(position, position, column.width)
        sheet.write_row(0, 0, [column.label for column in columns], header)
        sheet.freeze_panes(1, 0)

    def write(self, values: list[Any]) -> None:
        self.rows += 1
        self.sheet.write_row(self.rows, 0, values)

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, max(self.rows, 1), self.width - 1)
