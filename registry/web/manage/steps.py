"""The steps of registering (and later editing) a listing: what each form shows and the listing data it saves.

Each step reads its form into ``apply_listing_data``'s shape and says what must be put right, keyed by field
id, so the page can point at the field. Checks that need the database (identifiers already listed, postcodes
in the gazetteer) call the services; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from registry.domain.areas import PlaceKind, area_catalogue
from registry.domain.identifiers import InvalidIdentifier, check_identifier, load_identifier_schemes
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.reference_data import load_vocabulary
from registry.domain.structure import StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.models import ListingStatus, Organisation
from registry.services.gazetteer.lookup import PlaceNotResolved, resolve_place
from registry.services.gazetteer.sources import load_lad_regions
from registry.services.registration import identifier_holder
from registry.web.forms import form_errors, vocabulary_choices
from registry.web.manage.forms import (
    AboutStepForm,
    GovernanceStepForm,
    LegalStepForm,
    ServicesStepForm,
    service_groups,
)
from registry.web.manage.governance import as_text, governance_initial, listing_governance, number_text
from registry.web.needs import NeededFact, fact_field_id, fact_label
from registry.web.structure_form import field_id, structure_data


@dataclass
class StepResult:
    """A step's answers as listing data, or what to put right (field id → message)."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # A listing that already holds an identifier the person entered: offer to claim it instead.
    already_listed: Organisation | None = None


@dataclass(frozen=True)
class Step:
    """One step of registering a listing: its name, number and title, the form and template that show it, the
    listing keys it owns, and how it fills its form from a listing (``initial``) and reads the answers back."""

    name: str
    number: int
    title: Any  # lazy: the step's title in the language of the page showing it
    form_class: type[Any]
    template: str
    keys: tuple[str, ...]
    initial: Callable[[Organisation], dict[str, Any]]
    read: Callable[[Any, Organisation | None, Session], StepResult]


def _or_none(value: Any) -> Any:
    return value if value not in ("", None) else None


# --------------------------------------------------------------------------------------------------------
# 1. About the organisation


def about_initial(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "trading_names": "\n".join(org.trading_names or []),
        "description": org.description,
        "website": as_text(org.website),
        "email": as_text(org.email),
        "phone": as_text(org.phone),
        "founded": as_text(org.founded),
        "origin": as_text(org.origin),
        "origin_parent_body": as_text(org.origin_parent_body),
        "origin_programme": as_text(org.origin_programme),
        "spun_out": as_text(org.spun_out),
        "employees": number_text(org.employees),
        "members": number_text(org.members),
        "trading_income_pct": number_text(org.trading_income_pct),
    }


def _whole(text: str | None) -> int | None:
    return int(text.replace(",", "")) if text else None


def about_read(form: AboutStepForm, org: Organisation | None, session: Session) -> StepResult:
    if not form.validate():
        return StepResult(errors=form_errors(form))
    percentage = form.trading_income_pct.data
    return StepResult(
        data={
            "name": form.name.data,
            "trading_names": [line.strip() for line in (form.trading_names.data or "").splitlines() if line.strip()],
            "description": form.description.data or "",
            "website": _or_none(form.website.data),
            "email": _or_none(form.email.data),
            "phone": _or_none(form.phone.data),
            "founded": _or_none(form.founded.data),
            "origin": {
                "type": _or_none(form.origin.data),
                "parent_body": _or_none(form.origin_parent_body.data),
                "programme": _or_none(form.origin_programme.data),
                "spun_out": _or_none(form.spun_out.data),
            },
            "size": {
                "employees": _whole(form.employees.data),
                "members": _whole(form.members.data),
                "trading_income_pct": float(percentage.rstrip("%")) if percentage else None,
            },
        }
    )


# --------------------------------------------------------------------------------------------------------
# 2. Legal form and identifiers


def legal_initial(org: Organisation) -> dict[str, Any]:
    return {
        "legal_form": as_text(org.legal_form_code),
        "identifiers": [{"scheme": i.scheme_code, "value": i.value} for i in org.identifiers] or [{}],
    }


def _field_errors(form: Any) -> dict[str, str]:
    """The messages of the fields' own validators (lengths, chiefly), before the step's checks add theirs."""
    form.validate()
    return form_errors(form)


def legal_read(form: LegalStepForm, org: Organisation | None, session: Session) -> StepResult:
    result = StepResult(errors=_field_errors(form))
    legal_form = form.legal_form.data or None
    if legal_form and legal_form not in dict(vocabulary_choices("legal_forms")):
        result.errors["legal_form"] = _("Choose a legal form from the list")
    schemes = load_identifier_schemes()
    identifiers: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for row, entry in enumerate(form.identifiers.entries):
        scheme, raw = entry.form.scheme.data or "", entry.form.value.data or ""
        if not scheme and not raw:
            continue
        prefix = f"identifiers-{row}"
        if not scheme:
            result.errors[f"{prefix}-scheme"] = _("Choose the register this number or code is on")
            continue
        if not raw:
            result.errors[f"{prefix}-value"] = _("Enter the number or code")
            continue
        try:
            value = check_identifier(scheme, raw, schemes)
        except InvalidIdentifier as error:
            result.errors[f"{prefix}-{'scheme' if scheme not in schemes else 'value'}"] = error.message
            continue
        if (scheme, value) in seen:
            result.errors[f"{prefix}-value"] = _("You have entered this number twice: remove one of them")
            continue
        seen.add((scheme, value))
        holder = identifier_holder(session, scheme, value, org)
        if holder is not None:
            label = schemes[scheme].label
            if holder.status == ListingStatus.PUBLISHED:
                result.errors[f"{prefix}-value"] = _(
                    "%(name)s is already listed with this %(register)s", name=holder.name, register=label
                )
                result.already_listed = holder
            else:
                result.errors[f"{prefix}-value"] = _(
                    "This %(register)s is already in another registration. If it is your organisation's, contact us",
                    register=label,
                )
            continue
        identifiers.append({"scheme": scheme, "value": value})
    if not result.errors:
        result.data = {"legal_form": legal_form, "identifiers": identifiers}
    return result


# --------------------------------------------------------------------------------------------------------
# 3. Governance: members, voting, board, asset lock and profits


def governance_read(form: GovernanceStepForm, org: Organisation | None, session: Session) -> StepResult:
    result = StepResult(errors=_field_errors(form))
    try:
        data, rows = structure_data(form)
    except StructureFactsError as error:
        result.errors.update(error.errors)
        return result
    governance_model = data.pop("governance_model", None)
    data.pop("version", None)
    if governance_model and governance_model not in dict(vocabulary_choices("governance_models")):
        result.errors["governance_model"] = _("Choose a governance model from the list")
    # What a listing keeps that the validator does not read.
    descriptions = [item.pop("description", None) for item in data.get("member_classes") or []]
    roles = [item.pop("role", None) for item in data.get("board_seats") or []]
    for index, item in enumerate(data.get("member_classes") or []):
        row = rows["member_classes"][index]
        if not item.get("name"):
            result.errors[f"member_classes-{row}-name"] = _("Enter the name of member class %(number)s", number=row + 1)
        if not item.get("kind"):
            result.errors[f"member_classes-{row}-kind"] = _(
                "Choose who the members of class %(number)s are", number=row + 1
            )
    for index, item in enumerate(data.get("significant_control") or []):
        if not item.get("name"):
            row = rows["significant_control"][index]
            result.errors[f"significant_control-{row}-name"] = _("Enter the name of the person or body")
    try:
        facts = facts_from_dict(data)
    except StructureFactsError as error:
        for path, message in error.errors.items():
            result.errors.setdefault(field_id(path, rows), message)
        return result
    if result.errors:
        return result
    details = org.structure_details if org is not None else {}
    answer = form.has_significant_control.data
    has_control = True if answer == "yes" else False if answer == "no" else None
    result.data = listing_governance(facts, descriptions, roles, governance_model, details or {}, has_control)
    return result


# --------------------------------------------------------------------------------------------------------
# 4. Services, places and the areas served


def services_initial(org: Organisation) -> dict[str, Any]:
    return {
        "services": [s.service_type_code for s in org.services],
        "locations": [
            {
                "name": loc.name,
                "address": loc.address,
                "postcode": as_text(loc.postcode),
                "is_registered_office": loc.is_registered_office,
            }
            for loc in org.locations
        ]
        or [{}],
        "service_areas": [a.local_authority_code for a in org.service_areas],
    }


def _region_codes() -> set[str]:
    return {item["code"] for item in load_vocabulary("regions")}


def services_read(form: ServicesStepForm, org: Organisation | None, session: Session) -> StepResult:
    result = StepResult(errors=_field_errors(form))
    known_services = {code for _group, pairs in service_groups() for code, _label in pairs}
    services = list(dict.fromkeys(form.services.data or []))
    if any(code not in known_services for code in services):
        result.errors["services"] = _("Choose services from the list")
    districts = load_lad_regions()
    areas = list(dict.fromkeys(form.service_areas.data or []))
    if any(code not in districts for code in areas):
        result.errors["service_areas"] = _("Choose local authority areas from the list")
    # A whole area chosen is saved as its districts, each described by the area's name ("Derbyshire").
    whole: dict[str, str] = {}
    for code in dict.fromkeys(form.whole_areas.data or []):
        area = area_catalogue().by_code.get(code)
        if area is None:
            result.errors["whole_areas"] = _("Choose whole areas from the list")
            continue
        for district in area.districts:
            if district in districts:
                whole.setdefault(district, area.name)
    areas += [code for code in whole if code not in areas]

    regions = _region_codes()
    locations: list[dict[str, Any]] = []
    for row, entry in enumerate(form.locations.entries):
        f = entry.form
        if not (f.name.data or f.address.data or f.postcode.data or f.is_registered_office.data):
            continue
        if not f.postcode.data:
            result.errors[f"locations-{row}-postcode"] = _("Enter the postcode")
            continue
        try:
            place = resolve_place(session, f.postcode.data)
        except PlaceNotResolved as error:
            result.errors[f"locations-{row}-postcode"] = error.message
            continue
        if place.kind is not PlaceKind.POSTCODE:
            result.errors[f"locations-{row}-postcode"] = _("Enter a full postcode, like S1 2HE")
            continue
        region = place.region.code if place.region and place.region.code in regions else None
        locations.append(
            {
                "name": f.name.data or "",
                "address": f.address.data or "",
                "postcode": place.postcode,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "local_authority_code": place.local_authority.code if place.local_authority else None,
                "region_code": region,
                "is_registered_office": bool(f.is_registered_office.data),
            }
        )
    if result.errors:
        return result

    descriptions = {s.service_type_code: s.description for s in org.services} if org is not None else {}
    described = {a.local_authority_code: a.described_as for a in org.service_areas} if org is not None else {}
    # An area with no wider description is stored with an empty one: the public listing page groups areas by
    # their description and cannot sort a mixture of NULLs.
    groups: dict[str, list[dict[str, str]]] = {}
    for code in areas:
        description = described.get(code) or whole.get(code) or ""
        groups.setdefault(description, []).append({"code": code, "name": districts[code].lad_name})
    result.data = {
        "services": [{"code": code, "description": descriptions.get(code, "")} for code in services],
        "locations": locations,
        "service_areas": [{"described_as": d, "local_authorities": group} for d, group in groups.items()],
    }
    region = _listing_region(locations, [districts[code].region_code for code in areas], regions)
    if region is not None:
        result.data["region"] = region
    return result


def _listing_region(locations: list[dict[str, Any]], area_regions: list[str], known: set[str]) -> str | None:
    """The registered office's region, else the first place's, else the one region all its areas are in."""
    for loc in sorted(locations, key=lambda loc: not loc["is_registered_office"]):
        if loc["region_code"]:
            return str(loc["region_code"])
    distinct = set(area_regions)
    if len(distinct) == 1 and (only := distinct.pop()) in known:
        return only
    return None


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "about",
            1,
            _l("About the organisation"),
            AboutStepForm,
            "manage/step_about.html",
            ("name", "trading_names", "description", "website", "email", "phone", "founded", "origin", "size"),
            about_initial,
            about_read,
        ),
        Step(
            "legal",
            2,
            _l("Legal form and identifiers"),
            LegalStepForm,
            "manage/step_legal.html",
            ("legal_form", "identifiers"),
            legal_initial,
            legal_read,
        ),
        Step(
            "governance",
            3,
            _l("Members, board and profits"),
            GovernanceStepForm,
            "manage/step_governance.html",
            (
                "governance_model",
                "is_public_body",
                "members_registered_societies",
                "charity",
                "member_classes",
                "board_seats",
                "financial_rules",
                "has_significant_control",
                "significant_controls",
                "structure_details",
            ),
            governance_initial,
            governance_read,
        ),
        Step(
            "services",
            4,
            _l("Services and where it works"),
            ServicesStepForm,
            "manage/step_services.html",
            ("services", "locations", "service_areas", "region"),
            services_initial,
            services_read,
        ),
    )
}
STEP_NAMES = tuple(STEPS)

# Facts the wizard asks for outside the governance step, or there under another name than /check's: fact
# path → (step, field id). Every other fact is on the governance step with /check's own field id.
_ASKED_ELSEWHERE = {
    "name": ("about", "name"),
    "origin": ("about", "origin"),
    "parent_body": ("about", "origin_parent_body"),
    "spin_out_programme": ("about", "origin_programme"),
    "spin_out_date": ("about", "spun_out"),
    "members_total": ("about", "members"),
    "trading_income_pct": ("about", "trading_income_pct"),
    "legal_form": ("legal", "legal_form"),
}


def wizard_field(path: str) -> tuple[str, str]:
    """The step and field id of the registration wizard that asks for the fact at ``path``."""
    return _ASKED_ELSEWHERE.get(path) or ("governance", fact_field_id(path))


def in_the_wizard(slug: str, path: str) -> NeededFact:
    """A fact a finding needs, as a link to the wizard's step and field that ask for it (for representatives)."""
    step, field = wizard_field(path)
    return NeededFact(path, fact_label(path), url_for("manage.edit_step", slug=slug, step=step, _anchor=field))


def next_step(name: str) -> str | None:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[index + 1] if index + 1 < len(STEP_NAMES) else None
