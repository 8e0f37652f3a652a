"""Commissioners' tools: who is a commissioner, shortlists with notes, side-by-side comparison and exports.

Every function takes the database session and none commits, so the view decides when the work is done. Shortlists
are private: every lookup is by owner and id together, so a shortlist that is not the caller's is simply not
found. Exports stream: listings are read in batches by id and written out row by row, so a large export holds one
batch of listings in memory, not every one.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.domain.procurement import procurement_guide
from registry.domain.validator import load_rulesets
from registry.models import (
    LISTING_RECORD_LISTS,
    Assessment,
    BoardSeat,
    GovernanceModel,
    Identifier,
    LegalForm,
    ListingStatus,
    Location,
    MemberClass,
    Organisation,
    Region,
    Role,
    Service,
    ServiceArea,
    ServiceType,
    Shortlist,
    ShortlistEntry,
    SignificantControl,
    Source,
    User,
)
from registry.models.commissioning import NOTE_MAX, SHORTLIST_NAME_MAX
from registry.services.accounts import change_role, find_user
from registry.services.listings import listing_as_dict
from registry.services.search import Band
from registry.services.search_index import PREFERRED_PROVIDER_RULESET

MAX_COMPARE = 4
EXPORT_BATCH = 1000


class CommissioningError(ValueError):
    """Something the person has to put right; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------------------------------------------
# Who is a commissioner


def parse_domains(setting: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"nhs.net, gov.uk"`` → ``("nhs.net", "gov.uk")``: lower case, without leading dots or @ signs."""
    if not setting:
        return ()
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    return tuple(dict.fromkeys(d.strip().lower().lstrip("@.") for d in items if d and d.strip()))


def email_in_domains(email: str, domains: Sequence[str]) -> bool:
    """Whether the address is at one of ``domains`` or a subdomain of one (``sheffield.gov.uk`` is in ``gov.uk``)."""
    _, _, domain = email.strip().lower().rpartition("@")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def grant_by_email_domain(session: Session, user: User, domains: Sequence[str]) -> bool:
    """Make a confirmed representative at a commissioning domain a commissioner. Returns whether it did.

    Only the default role is raised: moderators and admins keep theirs, and nothing is ever lowered here.
    """
    if user.role != Role.REPRESENTATIVE.value or not user.is_confirmed or not email_in_domains(user.email, domains):
        return False
    change_role(session, user, Role.COMMISSIONER, actor=None)
    return True


def grant_commissioner(session: Session, email: str, *, actor: User, ip: str | None = None) -> User:
    """A moderator makes the account with this address a commissioner."""
    user = find_user(session, email)
    if user is None:
        raise CommissioningError(
            "There is no account with that email address. Ask them to create an account first", "email"
        )
    if user.role == Role.COMMISSIONER.value:
        raise CommissioningError(f"{user.email} is already a commissioner", "email")
    if user.role != Role.REPRESENTATIVE.value:
        raise CommissioningError(
            f"{user.email} is a {user.role}. An account has one role: ask an administrator to change it", "email"
        )
    change_role(session, user, Role.COMMISSIONER, actor=actor, ip=ip)
    return user


def revoke_commissioner(session: Session, user_id: int, *, actor: User, ip: str | None = None) -> User | None:
    """Return a commissioner to the default role; None if there is no commissioner with that id."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.COMMISSIONER.value:
        return None
    change_role(session, user, Role.REPRESENTATIVE, actor=actor, ip=ip)
    return user


def commissioners(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.COMMISSIONER.value).order_by(User.email)))


# ---------------------------------------------------------------------------------------------------
# Size bands: the figures commissioners filter on, in bands people recognise


@dataclass(frozen=True)
class SizeBand:
    code: str
    label: str
    band: Band


NOT_KNOWN = "not_known"
# Employees: the Companies Act's micro, small and medium thresholds.
EMPLOYEE_BANDS = (
    SizeBand("micro", "Fewer than 10 employees", Band(0, 10)),
    SizeBand("small", "10 to 49 employees", Band(10, 50)),
    SizeBand("medium", "50 to 249 employees", Band(50, 250)),
    SizeBand("large", "250 or more employees", Band(250, None)),
    SizeBand(NOT_KNOWN, "Number of employees not known", Band()),
)
TURNOVER_BANDS = (
    SizeBand("under_250k", "Under £250,000", Band(0, 250_000)),
    SizeBand("250k_to_1m", "£250,000 to £1 million", Band(250_000, 1_000_000)),
    SizeBand("1m_to_10m", "£1 million to £10 million", Band(1_000_000, 10_000_000)),
    SizeBand("10m_to_50m", "£10 million to £50 million", Band(10_000_000, 50_000_000)),
    SizeBand("over_50m", "Over £50 million", Band(50_000_000, None)),
    SizeBand(NOT_KNOWN, "Turnover not known", Band()),
)


# ---------------------------------------------------------------------------------------------------
# Shortlists


def shortlists_of(session: Session, owner: User) -> list[Shortlist]:
    return list(
        session.scalars(
            select(Shortlist)
            .where(Shortlist.owner_id == owner.id)
            .options(selectinload(Shortlist.entries))
            .order_by(func.lower(Shortlist.name), Shortlist.id)
        )
    )


def get_shortlist(session: Session, owner: User, shortlist_id: int) -> Shortlist | None:
    """The owner's shortlist with this id and its listings, or None (also when someone else owns it)."""
    listing = selectinload(Shortlist.entries).joinedload(ShortlistEntry.organisation)
    return session.scalars(
        select(Shortlist)
        .where(Shortlist.id == shortlist_id, Shortlist.owner_id == owner.id)
        .options(
            listing.selectinload(Organisation.services).joinedload(Service.service_type),
            listing.selectinload(Organisation.assessments),
            listing.selectinload(Organisation.service_areas),
        )
    ).first()


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise CommissioningError("Enter a name for the shortlist", "name")
    if len(cleaned) > SHORTLIST_NAME_MAX:
        raise CommissioningError(f"Shortlist name must be {SHORTLIST_NAME_MAX} characters or fewer", "name")
    return cleaned


def _name_taken(session: Session, owner: User, name: str, except_id: int | None = None) -> bool:
    query = select(Shortlist.id).where(Shortlist.owner_id == owner.id, func.lower(Shortlist.name) == name.lower())
    if except_id is not None:
        query = query.where(Shortlist.id != except_id)
    return session.scalar(query.limit(1)) is not None


def create_shortlist(session: Session, owner: User, name: str) -> Shortlist:
    name = _clean_name(name)
    if _name_taken(session, owner, name):
        raise CommissioningError(f"You already have a shortlist called {name}. Choose another name", "name")
    shortlist = Shortlist(owner_id=owner.id, name=name)
    session.add(shortlist)
    session.flush()
    return shortlist


def rename_shortlist(session: Session, shortlist: Shortlist, name: str) -> None:
    name = _clean_name(name)
    if _name_taken(session, shortlist.owner, name, except_id=shortlist.id):
        raise CommissioningError(f"You already have a shortlist called {name}. Choose another name", "name")
    shortlist.name = name


def delete_shortlist(session: Session, shortlist: Shortlist) -> None:
    session.delete(shortlist)
    session.flush()


def _clean_note(note: str | None) -> str:
    cleaned = (note or "").strip().replace("\r\n", "\n")
    if len(cleaned) > NOTE_MAX:
        raise CommissioningError(f"Note must be {NOTE_MAX:,} characters or fewer", "note")
    return cleaned


def entry_for(shortlist: Shortlist, organisation: Organisation) -> ShortlistEntry | None:
    return next((e for e in shortlist.entries if e.organisation_id == organisation.id), None)


def add_to_shortlist(
    session: Session, shortlist: Shortlist, organisation: Organisation, note: str | None = None
) -> ShortlistEntry:
    """Put a published listing on the shortlist (once); a note given replaces the one it had."""
    if organisation.status != ListingStatus.PUBLISHED:
        raise CommissioningError("Only published listings can be shortlisted", "organisation")
    cleaned = _clean_note(note)
    entry = entry_for(shortlist, organisation)
    if entry is None:
        position = max((e.position for e in shortlist.entries), default=-1) + 1
        entry = ShortlistEntry(organisation=organisation, note=cleaned, position=position)
        shortlist.entries.append(entry)
    elif note is not None:
        entry.note = cleaned
    shortlist.updated_at = datetime.now(UTC)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # the same listing added from two tabs at once
        raise CommissioningError(f"{organisation.name} is already on this shortlist", "organisation") from error
    return entry


def set_note(shortlist: Shortlist, organisation: Organisation, note: str | None) -> ShortlistEntry:
    entry = entry_for(shortlist, organisation)
    if entry is None:
        raise CommissioningError(f"{organisation.name} is not on this shortlist", "organisation")
    entry.note = _clean_note(note)
    shortlist.updated_at = datetime.now(UTC)
    return entry


def remove_from_shortlist(session: Session, shortlist: Shortlist, organisation: Organisation) -> bool:
    entry = entry_for(shortlist, organisation)
    if entry is None:
        return False
    shortlist.entries.remove(entry)
    shortlist.updated_at = datetime.now(UTC)
    session.flush()
    return True


def published_entries(shortlist: Shortlist) -> list[ShortlistEntry]:
    return [e for e in shortlist.entries if e.organisation.status == ListingStatus.PUBLISHED]


# ---------------------------------------------------------------------------------------------------
# Comparison


@dataclass
class ComparedListing:
    """One column of a comparison: the listing, its stored reports, and each rule set's failing findings."""

    organisation: Organisation
    reports: dict[str, dict[str, Any]]
    failing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def choose_for_comparison(shortlist: Shortlist, slugs: Sequence[str]) -> list[Organisation]:
    """The shortlisted listings named by ``slugs``, in shortlist order: two to four of them."""
    wanted = list(dict.fromkeys(s for s in slugs if s))
    if len(wanted) < 2:
        raise CommissioningError("Choose at least 2 organisations to compare", "compare")
    if len(wanted) > MAX_COMPARE:
        raise CommissioningError(f"Choose up to {MAX_COMPARE} organisations to compare", "compare")
    entries = {e.organisation.slug: e.organisation for e in published_entries(shortlist)}
    missing = [slug for slug in wanted if slug not in entries]
    if missing:
        raise CommissioningError("Choose organisations from this shortlist", "compare")
    return [entries[slug] for slug in entries if slug in wanted]


def compare(session: Session, organisations: Sequence[Organisation]) -> list[ComparedListing]:
    """Everything a side-by-side comparison shows, with the listings' children loaded in one go."""
    ids = [org.id for org in organisations]
    statement = select(Organisation).where(Organisation.id.in_(ids)).options(*_EVERYTHING)
    loaded = {org.id: org for org in session.scalars(statement)}
    columns = []
    for org in organisations:
        org = loaded[org.id]
        reports = {a.ruleset_id: a.report for a in org.assessments if a.report}
        failing = {
            ruleset_id: [f for f in report.get("findings", []) if f.get("outcome") == "fail"]
            for ruleset_id, report in reports.items()
        }
        columns.append(ComparedListing(org, reports, failing))
    return columns


def ruleset_titles() -> dict[str, str]:
    """Rule set ids to titles, the preferred-provider profile first, then the rule sets' own order."""
    rulesets = sorted(load_rulesets(), key=lambda r: r.id != PREFERRED_PROVIDER_RULESET)
    return {r.id: r.title for r in rulesets}


# ---------------------------------------------------------------------------------------------------
# Exports


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

_EVERYTHING = (
    selectinload(Organisation.identifiers),
    selectinload(Organisation.member_classes).joinedload(MemberClass.kind),
    selectinload(Organisation.board_seats).joinedload(BoardSeat.elected_by),
    selectinload(Organisation.significant_controls),
    selectinload(Organisation.services).joinedload(Service.service_type),
    selectinload(Organisation.service_areas),
    selectinload(Organisation.locations),
    selectinload(Organisation.sources),
    selectinload(Organisation.assessments),
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
        for key, _, _ in _CHILDREN:
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


def export_rows(session: Session, request: ExportRequest) -> Iterator[dict[str, Any]]:
    """Flat rows, one per published listing, read a batch at a time."""
    stamp = request.exported_at.isoformat()
    licence = f"{DATA_LICENCE.name}: {DATA_LICENCE.url}"
    verdicts_note = procurement_guide().caveat
    rulesets = list(ruleset_titles())
    for batch in _batches(_ids(session, request)):
        against = request.profile.verdicts(batch) if request.profile is not None else {}
        for org in plain_listings(session, batch):
            verdicts = {a.ruleset_id: a.verdict for a in org.assessments}
            row = flat_row(listing_as_dict(org), verdicts, request.listing_url(org.slug), rulesets)
            if request.notes is not None:
                row["shortlist_note"] = request.notes.get(org.id, "")
            if request.profile is not None:
                row["profile"] = request.profile.label
                row["profile_verdict"] = against.get(org.id, "")
            row["verdicts_note"] = verdicts_note
            row["licence"] = licence
            row["exported_at"] = stamp
            yield row


_FORMULA_STARTS = "=+-@\t\r"


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``) starts with an apostrophe instead."""
    return {
        key: "'" + value if value.__class__ is str and value[:1] in _FORMULA_STARTS and value else value
        for key, value in row.items()
    }


def csv_lines(session: Session, request: ExportRequest) -> Iterator[str]:
    """The export as CSV text, a chunk at a time: a UTF-8 byte-order mark (so Excel reads the accents), the
    header, then a row per listing. Every row carries the licence and the export's date."""
    columns = export_columns(with_notes=request.notes is not None, with_profile=request.profile is not None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(columns)
    for count, row in enumerate(export_rows(session, request), start=1):
        safe = spreadsheet_safe(row)
        writer.writerow([safe.get(column) for column in columns])
        if count % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_listing(org: Any, url: str, note: str | None, order: dict[str, int]) -> dict[str, Any]:
    item = listing_as_dict(org)
    item["url"] = url
    item["assessments"] = [
        {
            "ruleset_id": a.ruleset_id,
            "ruleset_title": a.report.get("ruleset_title") if a.report else None,
            "verdict": a.verdict,
            "reason": a.report.get("reason") if a.report else None,
            "failing_findings": [
                {"rule_id": f["rule_id"], "title": f["title"], "reason": f["reason"], "citation": f["citation"]}
                for f in (a.report or {}).get("findings", [])
                if f.get("outcome") == "fail"
            ],
        }
        for a in sorted(org.assessments, key=lambda a: order.get(a.ruleset_id, len(order)))
    ]
    if note is not None:
        item["shortlist_note"] = note
    return item


def json_chunks(session: Session, request: ExportRequest) -> Iterator[str]:
    """The export as the API's success envelope, ``{"meta": {...}, "data": [...]}``, streamed a listing at a
    time. ``meta`` comes first so the licence and date are read before the data."""
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
    yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "data": ['
    order = {ruleset_id: position for position, ruleset_id in enumerate(ruleset_titles())}
    first = True
    count = 0
    for batch in _batches(ids):
        against = request.profile.verdicts(batch) if request.profile is not None else None
        for org in plain_listings(session, batch, with_reports=True):
            note = request.notes.get(org.id, "") if request.notes is not None else None
            item = _json_listing(org, request.listing_url(org.slug), note, order)
            if against is not None:
                item["profile_verdict"] = against.get(org.id)
            chunk = json.dumps(item, ensure_ascii=False)
            yield chunk if first else ", " + chunk
            first = False
            count += 1
    yield '], "total": ' + str(count) + "}"


def xlsx_file(session: Session, request: ExportRequest) -> Iterator[bytes]:
    """The export as an Excel workbook: a "Listings" sheet (header frozen, filters on) and an "About" sheet
    with the licence, attribution and date. XlsxWriter's constant-memory mode writes each row to disk as it
    goes; the finished file is then sent in chunks."""
    import xlsxwriter

    columns = export_columns(with_notes=request.notes is not None, with_profile=request.profile is not None)
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
        bold = workbook.add_format({"bold": True})
        about = workbook.add_worksheet("About")
        sheet = workbook.add_worksheet("Listings")
        about.write_row(0, 0, ["Title", request.title])
        about.write_row(1, 0, ["Filters", request.described_as or "None"])
        if request.profile is not None:
            about.write_row(6 + len(procurement_guide().routes), 0, ["Profile", request.profile.label])
        about.write_row(2, 0, ["Exported at", request.exported_at.isoformat()])
        about.write_row(3, 0, ["Licence", f"{DATA_LICENCE.name}: {DATA_LICENCE.url}"])
        about.write_row(4, 0, ["Attribution", DATA_LICENCE.attribution])
        about.write_row(5, 0, ["Verdicts", procurement_guide().caveat])
        for line, route in enumerate(procurement_guide().routes, start=6):
            source = f"{route.source.title}, {route.source.publisher} ({route.source.published}): {route.source.url}"
            about.write_row(line, 0, ["Legal route", f"{route.title}. {route.summary} Source: {source}"])
        about.set_column(0, 0, 14)
        about.set_column(1, 1, 120)
        sheet.write_row(0, 0, columns, bold)
        sheet.freeze_panes(1, 0)
        rows = 0
        for rows, row in enumerate(export_rows(session, request), start=1):
            sheet.write_row(rows, 0, [row.get(column) for column in columns])
        sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
        sheet.activate()
        workbook.close()
        handle.seek(0)
        while chunk := handle.read(64 * 1024):
            yield chunk


def shortlist_export(shortlist: Shortlist, listing_url: Any, profile: ProfileColumn | None = None) -> ExportRequest:
    published = published_entries(shortlist)
    return ExportRequest(
        ids=[e.organisation_id for e in published],
        listing_url=listing_url,
        notes={e.organisation_id: e.note for e in published},
        title=f"Shortlist: {shortlist.name}",
        profile=profile,
    )


def count_ids(session: Session, ids: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(ids.order_by(None).subquery())) or 0


__all__ = [
    "DATA_LICENCE",
    "EMPLOYEE_BANDS",
    "MAX_COMPARE",
    "TURNOVER_BANDS",
    "CommissioningError",
    "ComparedListing",
    "ExportRequest",
    "ProfileColumn",
    "add_to_shortlist",
    "choose_for_comparison",
    "commissioners",
    "compare",
    "create_shortlist",
    "csv_lines",
    "delete_shortlist",
    "email_in_domains",
    "export_columns",
    "export_rows",
    "get_shortlist",
    "grant_by_email_domain",
    "grant_commissioner",
    "json_chunks",
    "parse_domains",
    "plain_listings",
    "remove_from_shortlist",
    "rename_shortlist",
    "revoke_commissioner",
    "set_note",
    "shortlist_export",
    "shortlists_of",
    "xlsx_file",
]
