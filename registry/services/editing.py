"""Editing a listing by hand: every save is a new revision, concurrent edits never overwrite each other, and
any earlier revision can be read as a field-by-field diff or restored.

Listings are edited as plain data in ``apply_listing_data``'s shape. ``listing_data`` reads a listing (or a
revision's snapshot, with ``data_from_snapshot``) back into that shape, so a form, a proposal waiting for a
moderator, a revision and a restore all speak the same language. ``changes`` compares two such dicts as a
person would read them: one row per field that differs, each value as readable lines, long text word by word.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain import labels
from registry.domain.language import current_language, localised, speaking
from registry.domain.language import gettext as _
from registry.domain.reference_data import load_vocabulary
from registry.models import (
    ChangeKind,
    ChangeRequest,
    ListingStatus,
    Organisation,
    ReviewStatus,
    Revision,
    User,
    Verification,
)
from registry.models._types import utcnow
from registry.services.accounts import audit
from registry.services.listing_data import apply_listing_data
from registry.services.listings import listing_as_dict
from registry.services.revisions import record_revision

# The facts a moderator checks before a listing is verified: once verified, changes to them wait for review.
# Identity and contact facts are among them: a verified listing renamed "NHS England (Official)" with a phishing
# website must not go live while still showing "Verified".
VERIFIED_FACT_KEYS = frozenset(
    {
        "name",
        "trading_names",
        "website",
        "email",
        "phone",
        "legal_form",
        "identifiers",
        "governance_model",
        "member_classes",
        "board_seats",
        "financial_rules",
        "significant_controls",
        "has_significant_control",
        "is_public_body",
        "members_registered_societies",
        "charity",
        "structure_details",
    }
)
# Restoring a revision brings back what the listing said, not where it stood in review: a restore never
# unpublishes, publishes or (un)verifies a listing.
NOT_RESTORED = frozenset({"status", "verification", "provenance", "slug", "updated_at"})


class EditConflict(Exception):
    """Someone else saved the listing after this form was loaded: saving now would overwrite their change."""

    def __init__(self, loaded_version: int | None, current_version: int) -> None:
        super().__init__(f"the listing is at version {current_version}, the form was loaded at {loaded_version}")
        self.loaded_version = loaded_version
        self.current_version = current_version


def check_version(org: Organisation, loaded_version: int | str | None) -> None:
    """Raise ``EditConflict`` unless the form was loaded at the listing's current version."""
    try:
        loaded = int(loaded_version) if loaded_version not in (None, "") else None
    except (TypeError, ValueError):
        loaded = None
    if loaded != org.version:
        raise EditConflict(loaded, org.version)


def author_of(editor: User | str) -> str:
    return editor if isinstance(editor, str) else editor.email


def save_change(
    session: Session, org: Organisation, data: Mapping[str, Any], *, editor: User | str, summary: str
) -> Revision:
    """Apply ``data`` to the listing, keep the result as a new revision and reassess it.

    The organisation row is always updated, so its version moves on even when only child rows (member
    classes, services) change: a concurrent save of the same listing then fails instead of overwriting.
    """
    from registry.services.assessments import reassess

    with session.no_autoflush:
        apply_listing_data(session, org, data)
    org.updated_at = utcnow()
    revision = record_revision(session, org, author_of(editor), summary)
    reassess(session, org)
    return revision


def listing_data(org: Organisation) -> dict[str, Any]:
    """The listing as it now stands, in ``apply_listing_data``'s shape."""
    return data_from_snapshot(listing_as_dict(org))


def _code(value: Any) -> Any:
    return value.get("code") if isinstance(value, Mapping) else value


def data_from_snapshot(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A revision's snapshot (``listing_as_dict``'s shape) as data ``apply_listing_data`` can write back."""
    data: dict[str, Any] = {}
    for key, value in snapshot.items():
        if key in {"legal_form", "governance_model", "region"}:
            data[key] = _code(value)
        elif key == "identifiers":
            data[key] = [{"scheme": i["scheme"], "value": i["value"]} for i in value or []]
        elif key == "services":
            data[key] = [{"code": s["code"], "description": s.get("description") or ""} for s in value or []]
        elif key == "service_areas":
            groups: dict[str | None, list[dict[str, str]]] = {}
            for area in value or []:
                described = area.get("as_described")
                groups.setdefault(described, []).append({"code": area["local_authority_code"], "name": area["name"]})
            data[key] = [{"described_as": d, "local_authorities": areas} for d, areas in groups.items()]
        elif key in {"slug", "updated_at"}:
            continue
        else:
            data[key] = value
    return data


def restorable(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """What restoring a snapshot writes: its content, not its status in review."""
    return {key: value for key, value in data_from_snapshot(snapshot).items() if key not in NOT_RESTORED}


# --------------------------------------------------------------------------------------------------------
# Reading listing data as a person would


@cache
def _vocabulary_labels(name: str, language: str) -> dict[str, str]:
    """A vocabulary's labels (or names) in ``language``, by code."""
    with speaking(language):
        return {
            item["code"]: localised(item, "label") or localised(item, "name") or item["code"]
            for item in load_vocabulary(name)
        }


def _label(vocabulary: str, code: Any) -> str:
    return _vocabulary_labels(vocabulary, current_language()).get(str(code), str(code))


def N_(message: str) -> str:
    """Marks English words for the catalogue where they are written; they are translated where they are shown
    (``_(label)``), so what is stored or exported (a revision's summary) stays in English."""
    return message


# Held in English (the open data's worded columns use them); pages show them through ``_``.
STATUS_LABELS = {
    ListingStatus.DRAFT.value: N_("Draft"),
    ListingStatus.PENDING.value: N_("Waiting for review"),
    ListingStatus.PUBLISHED.value: N_("Published"),
    ListingStatus.SUSPENDED.value: N_("Suspended by a moderator"),
    ListingStatus.WITHDRAWN.value: N_("Withdrawn"),
}
VERIFICATION_LABELS = {Verification.VERIFIED.value: N_("Verified"), Verification.UNVERIFIED.value: N_("Not verified")}

# (key, label) for every field a person can see, in the order the listing page shows them. A dotted key is a
# field inside a group ("origin.type").
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("trading_names", N_("Other names")),
    ("description", N_("Description")),
    ("website", N_("Website")),
    ("email", N_("Email")),
    ("phone", N_("Phone")),
    ("founded", N_("Founded")),
    ("origin.type", N_("How it started")),
    ("origin.parent_body", N_("Spun out of")),
    ("origin.programme", N_("Spin-out programme")),
    ("origin.spun_out", N_("Spun out")),
    ("size.employees", N_("Employees")),
    ("size.members", N_("Members")),
    ("size.year", N_("Year of the size figures")),
    ("size.turnover_gbp", N_("Turnover (£)")),
    ("size.turnover_year", N_("Year of the turnover")),
    ("size.trading_income_pct", N_("Income from trading (%)")),
    ("is_public_body", N_("It is a public body")),
    ("members_registered_societies", N_("Members that are registered societies")),
    ("legal_form", N_("Legal form")),
    ("identifiers", N_("Identifiers")),
    ("governance_model", N_("Governance model")),
    ("member_classes", N_("Member classes")),
    ("board_seats", N_("Board")),
    ("financial_rules.asset_lock", N_("Asset lock")),
    ("financial_rules.cic_asset_lock_schedule", N_("CIC asset-lock schedule")),
    ("financial_rules.dissolution_clause", N_("Where assets go if it is dissolved")),
    ("financial_rules.distribution_basis", N_("How profits are distributed")),
    ("financial_rules.dividend_cap_pct", N_("Most of its profits it may distribute (%)")),
    ("financial_rules.share_interest_cap_pct", N_("Highest interest rate on shares (%)")),
    ("financial_rules.profits_reinvested_pct", N_("Profits kept for its purpose (%)")),
    ("charity.trustees_total", N_("Charity trustees")),
    ("charity.trustees_paid", N_("Charity trustees who are paid")),
    ("has_significant_control", N_("A person or body has significant control")),
    ("significant_controls", N_("People or bodies with significant control")),
    ("structure_details", N_("Other structure facts")),
    ("services", N_("Services")),
    ("service_areas", N_("Areas served")),
    ("locations", N_("Locations")),
    ("region", N_("Region")),
    ("sources", N_("Sources")),
    ("registered_status", N_("Registered status")),
    ("dissolved_on", N_("Dissolved on")),
    ("status", N_("Status")),
    ("verification", N_("Verification")),
)
LONG_TEXT = frozenset({"description"})


def _number(value: Any) -> str:
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else f"{as_float:g}"


def _yes_no(value: Any) -> str | None:
    return None if value is None else (_("yes") if value else _("no"))


def _member_class_line(m: Mapping[str, Any]) -> str:
    parts = [_label("member_class_kinds", m.get("kind"))]
    if m.get("count") is not None:
        parts.append(_("%(count)s members", count=_number(m["count"])))
    if m.get("voting_rule"):
        rule = labels.VOTING_RULE.get(m["voting_rule"], m["voting_rule"])
        if m.get("vote_share_pct") is not None:
            rule += " " + _("(%(share)s%% of votes)", share=_number(m["vote_share_pct"]))
        parts.append(rule)
    if m.get("votes_on") is not None:
        decisions = [labels.VOTE_DECISION.get(d, d) for d in m["votes_on"]]
        parts.append(_("votes on %(decisions)s", decisions=", ".join(decisions) or _("nothing")))
    name = m.get("name") or _("Unnamed class")
    line = f"{name}: " + "; ".join(parts)
    return line + (f". {m['description']}" if m.get("description") else "")


def _board_seat_line(b: Mapping[str, Any]) -> str:
    role = b.get("role") or _("board member")
    line = f"{b.get('seats', 1)} \N{MULTIPLICATION SIGN} {role}"
    if b.get("source"):
        line += f": {labels.BOARD_SEAT_SOURCE.get(b['source'], b['source'])}"
    if b.get("elected_by"):
        line += " " + _("by %(who)s", who=b["elected_by"])
    if b.get("whole_membership"):
        line += " " + _("by the whole membership")
    if b.get("appointed_by"):
        line += " " + _("by %(who)s", who=b["appointed_by"])
    extras = [
        _("chair") if b.get("is_chair") else None,
        _("non-executive") if b.get("is_non_executive") else None,
        _("appointed by a public body") if b.get("appointer_is_public_body") else None,
        _("appointed by: %(kind)s", kind=_label("member_class_kinds", b["appointer_kind"]))
        if b.get("appointer_kind")
        else None,
    ]
    shown = [e for e in extras if e]
    return line + (f" ({', '.join(shown)})" if shown else "")


def _control_line(p: Mapping[str, Any]) -> str:
    line = str(p.get("name") or _("Unnamed"))
    if p.get("natures_of_control"):
        line += ": " + "; ".join(n.replace("-", " ") for n in p["natures_of_control"])
    flags = {
        _("a member"): p.get("is_member"),
        _("for-profit"): p.get("is_for_profit"),
        _("public body"): p.get("is_public_body"),
        _("employee ownership trust"): p.get("is_employee_trust"),
        _("asset-locked"): p.get("is_asset_locked"),
    }
    known = [f"{name}: {_yes_no(value)}" for name, value in flags.items() if value is not None]
    return line + (f" ({', '.join(known)})" if known else "")


def _location_line(loc: Mapping[str, Any]) -> str:
    parts = [loc.get("name"), " ".join(str(loc.get("address") or "").split()), loc.get("postcode")]
    line = ", ".join(str(p) for p in parts if p) or _("Unnamed place")
    return line + (" " + _("(registered office)") if loc.get("is_registered_office") else "")


def _source_line(s: Mapping[str, Any]) -> str:
    parts = [s.get("title"), s.get("publisher"), s.get("published"), s.get("url"), s.get("licence"), s.get("note")]
    return ", ".join(str(p) for p in parts if p)


def _scalar_line(key: str, value: Any) -> str:
    if key == "legal_form":
        return _label("legal_forms", value)
    if key == "governance_model":
        return _label("governance_models", value)
    if key == "region":
        return _label("regions", value)
    if key == "status":
        return _(STATUS_LABELS[value]) if value in STATUS_LABELS else str(value)
    if key == "verification":
        return _(VERIFICATION_LABELS[value]) if value in VERIFICATION_LABELS else str(value)
    vocabulary = {
        "origin.type": labels.ORIGIN,
        "origin.programme": labels.SPIN_OUT_PROGRAMME,
        "financial_rules.asset_lock": labels.ASSET_LOCK,
        "financial_rules.distribution_basis": labels.DISTRIBUTION_BASIS,
        "financial_rules.dissolution_clause": labels.DISSOLUTION_CLAUSE,
    }.get(key)
    if vocabulary is not None:
        return vocabulary.get(value, str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float) or (key.startswith(("size.", "financial_rules.")) and value != ""):
        try:
            return _number(value)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def readable_lines(key: str, value: Any) -> list[str]:
    """One field's value as the lines a person reads; an empty list when it is not known."""
    if value is None or value == "" or value == [] or value == {}:
        return []
    rows: Iterable[Any]
    if key == "trading_names":
        return [str(name) for name in value]
    if key == "identifiers":
        return [f"{i['scheme']} {i['value']}" for i in value]
    if key == "member_classes":
        return [_member_class_line(m) for m in value]
    if key == "board_seats":
        return [_board_seat_line(b) for b in value]
    if key == "significant_controls":
        return [_control_line(p) for p in value]
    if key == "services":
        rows = value
        return [_label("services", s["code"]) + (f": {s['description']}" if s.get("description") else "") for s in rows]
    if key == "service_areas":
        return [
            f"{area['name']}" + (f" ({group['described_as']})" if group.get("described_as") else "")
            for group in value
            for area in group.get("local_authorities", [])
        ]
    if key == "locations":
        return [_location_line(loc) for loc in value]
    if key == "sources":
        return [_source_line(s) for s in value]
    if key == "structure_details":
        return [_detail_line(name, item) for name, item in sorted(value.items())]
    return [_scalar_line(key, value)]


DETAIL_LABELS = {"all_employees_eligible": N_("Every employee can become a member")}


def _detail_line(name: str, value: Any) -> str:
    shown = _yes_no(value) if isinstance(value, bool) else json.dumps(value, sort_keys=True)
    label = _(DETAIL_LABELS[name]) if name in DETAIL_LABELS else name.replace("_", " ").capitalize()
    return f"{label}: {shown}"


def _field_value(data: Mapping[str, Any], key: str) -> Any:
    group, _, name = key.partition(".")
    if not name:
        return data.get(group)
    return (data.get(group) or {}).get(name)


def _present(data: Mapping[str, Any], key: str) -> bool:
    group, _, name = key.partition(".")
    return group in data and (not name or name in (data.get(group) or {}) or data.get(group) is None)


@dataclass(frozen=True)
class WordChange:
    """A run of words in a long text: kept, removed or added."""

    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions of a listing, as a person reads it."""

    key: str
    label: str
    before: list[str]
    after: list[str]
    words: list[WordChange] = field(default_factory=list)

    @property
    def removed(self) -> list[str]:
        return [line for line in self.before if line not in self.after]

    @property
    def added(self) -> list[str]:
        return [line for line in self.after if line not in self.before]


# Words, runs of punctuation and runs of space, so "Sheffield," → "Sheffield and Rotherham," adds two words.
_WORD = re.compile(r"\w+|[^\w\s]+|\s+")


def word_changes(before: str, after: str) -> list[WordChange]:
    """A word-by-word diff of two texts, for long text like a description (``difflib`` on words).

    Empty when the texts have too little in common for a word diff to help: then both are shown whole.
    """
    old, new = _WORD.findall(before), _WORD.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    if matcher.ratio() < 0.5:
        return []
    result: list[WordChange] = []
    removed, added = "", ""
    opcodes = matcher.get_opcodes()
    for position, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = "".join(old[i1:i2])
            # A lone space between two changes belongs to both, so the change reads as one phrase.
            if (removed or added) and not same.strip() and position + 1 < len(opcodes):
                removed, added = removed + same, added + same
                continue
            result += [
                WordChange(kind, text) for kind, text in (("removed", removed), ("added", added)) if text.strip()
            ]
            removed, added = "", ""
            result.append(WordChange("same", same))
            continue
        removed += "".join(old[i1:i2])
        added += "".join(new[j1:j2])
    result += [WordChange(kind, text) for kind, text in (("removed", removed), ("added", added)) if text.strip()]
    return result


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], keys: Iterable[str] | None = None
) -> list[FieldChange]:
    """The fields that differ between two versions of a listing's data, in the listing's order.

    Only fields present in ``after`` are compared (absent keys mean "unchanged", as ``apply_listing_data``
    reads them), unless ``keys`` names the top-level keys to compare.
    """
    wanted = set(keys) if keys is not None else None
    result = []
    for key, label in FIELDS:
        top = key.partition(".")[0]
        if wanted is not None and top not in wanted:
            continue
        if wanted is None and not _present(after, key):
            continue
        old = readable_lines(key, _field_value(before, key))
        new = readable_lines(key, _field_value(after, key))
        if old == new:
            continue
        words = word_changes(old[0], new[0]) if key in LONG_TEXT and old and new else []
        result.append(FieldChange(key, _(label), old, new, words))
    return result


def change_summary(field_changes: Iterable[FieldChange], prefix: str = "Changed") -> str:
    # In English whatever the page's language: the summary is stored with the revision.
    english = dict(FIELDS)
    names = [english.get(change.key, change.label) for change in field_changes]
    names = [name[0].lower() + name[1:] for name in names]
    if not names:
        return "No changes"
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{prefix} {listed}"


# --------------------------------------------------------------------------------------------------------
# Saving what a representative changed


class ChangeAlreadyWaiting(Exception):
    """A change to this listing's verified facts is already waiting for a moderator."""

    def __init__(self, request: ChangeRequest) -> None:
        super().__init__(f"change request {request.id} is waiting for review")
        self.request = request


@dataclass(frozen=True)
class EditOutcome:
    """What happened to a save: changes that went live (a revision), changes held for review, or nothing."""

    revision: Revision | None = None
    proposal: ChangeRequest | None = None

    @property
    def changed_nothing(self) -> bool:
        return self.revision is None and self.proposal is None


def pending_change(session: Session, org: Organisation) -> ChangeRequest | None:
    """The change request waiting for review on this listing, if there is one."""
    return session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.organisation_id == org.id, ChangeRequest.status == ReviewStatus.PENDING
        )
    ).first()


def holds_for_review(org: Organisation) -> bool:
    """Whether changes to this listing's verified facts must wait for a moderator."""
    return org.verification == Verification.VERIFIED


def save_edit(
    session: Session, org: Organisation, data: Mapping[str, Any], *, editor: User, loaded_version: int | str | None
) -> EditOutcome:
    """Save a representative's changes to their listing.

    Refuses (``EditConflict``) when the listing has changed since the form was loaded. On a verified listing,
    changes to verified facts are held as a change request for a moderator and the rest go live at once; on
    any other listing (a draft, say) everything is saved. Only fields that really changed are written.
    """
    check_version(org, loaded_version)
    current = listing_data(org)
    field_changes = changes(current, data)
    keys = {change.key.partition(".")[0] for change in field_changes}
    held = keys & VERIFIED_FACT_KEYS if holds_for_review(org) else set()
    if held:
        waiting = pending_change(session, org)
        if waiting is not None:
            raise ChangeAlreadyWaiting(waiting)
    live = keys - held
    revision = None
    if live:
        summary = change_summary(c for c in field_changes if c.key.partition(".")[0] in live)
        revision = save_change(session, org, {key: data[key] for key in live}, editor=editor, summary=summary)
    proposal = None
    if held:
        proposed = {key: data[key] for key in held}
        proposal = ChangeRequest(
            organisation=org,
            kind=ChangeKind.CHANGE.value,
            proposed=json.loads(json.dumps(proposed, default=str)),
            summary=change_summary((c for c in field_changes if c.key.partition(".")[0] in held), "Change"),
            base_version=org.version,
            proposed_by=editor,
        )
        session.add(proposal)
        session.flush()
        audit(session, "listing.change_proposed", actor=editor, subject=org, detail={"change_request": proposal.id})
    return EditOutcome(revision, proposal)


def revision_by_number(session: Session, org: Organisation, number: int) -> Revision | None:
    return session.scalars(
        select(Revision).where(Revision.organisation_id == org.id, Revision.number == number)
    ).first()


def revisions_of(session: Session, org: Organisation) -> list[Revision]:
    """A listing's revisions, newest first."""
    return list(
        session.scalars(select(Revision).where(Revision.organisation_id == org.id).order_by(Revision.number.desc()))
    )


def revision_authors(session: Session, revisions: Iterable[Revision]) -> dict[str, User]:
    """The accounts behind revisions' authors (recorded by email address), for showing who made each change."""
    emails = {revision.author for revision in revisions if "@" in revision.author}
    if not emails:
        return {}
    return {user.email: user for user in session.scalars(select(User).where(User.email.in_(emails)))}


@dataclass(frozen=True)
class HistoryEntry:
    revision: Revision
    changes: list[FieldChange]


def history(revisions: Iterable[Revision]) -> list[HistoryEntry]:
    """Each revision with what it changed from the one before (the first: everything it held), newest first."""
    entries = []
    previous: dict[str, Any] = {}
    for revision in sorted(revisions, key=lambda r: r.number):
        data = data_from_snapshot(revision.snapshot)
        entries.append(HistoryEntry(revision, changes(previous, data)))
        previous = data
    return entries[::-1]


def field_rows(data: Mapping[str, Any], keys: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(label, readable lines) for each field under the top-level ``keys``, in the listing's order."""
    wanted = set(keys)
    return [
        (_(label), readable_lines(key, _field_value(data, key)))
        for key, label in FIELDS
        if key.partition(".")[0] in wanted
    ]


def keyed_field_rows(data: Mapping[str, Any], keys: Iterable[str]) -> list[tuple[str, str, list[str]]]:
    """(key, label, readable lines) for each field under the top-level ``keys``: ``field_rows`` with the key,
    by which a page knows a field whatever the language of its label."""
    wanted = set(keys)
    return [
        (key, _(label), readable_lines(key, _field_value(data, key)))
        for key, label in FIELDS
        if key.partition(".")[0] in wanted
    ]
