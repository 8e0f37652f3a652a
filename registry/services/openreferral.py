"""Open Referral UK 3.0: published listings as HSDS organizations, services, locations and taxonomies.

Mapping
-------
* organization: a published listing. Its org-id identifiers (GB-COH, GB-MPR, GB-CHC...) are its
  ``organization_identifiers``; its legal form, governance model and the validator's verdicts are ``attributes``
  against the registry's own taxonomies (``hcmr-legal-form``, ``hcmr-governance-model``, ``hcmr-verdict``), which
  the feed serves itself: ORUK 3.0 has no ``legal_status``. An identifier from a register that registers the
  listing's legal form also carries the legal form as an attribute.
* service: one of a listing's services (one per service type), named "<organisation>: <service type>", with its
  service type as an attribute from ``hcmr-service-type`` (``data/reference/services.yaml``) and the listing's
  local authority districts as its service areas.
* location: one of the listing's places (a registered office is a ``postal`` location, any other place
  ``physical``); service_at_location: each service of a listing at each of its places, because the registry does
  not record which service is delivered where.

Ids are UUID 5s in a namespace of ours, made from keys that survive edits and rebuilds: listing slugs (which never
change), service types, and what a place is (its name, address and postcode) rather than row ids, because
editing a listing replaces its child rows. Finding an object by id therefore goes through the keys of the
published listings; at the registry's scale (thousands of listings) that is a fast scan.

Optional fields without a value are left out, as the ORUK compliance rules ask. Filters run through the search
(``matching_listings``): free text, postcode and proximity, and taxonomy terms as facet filters or verdict
refinements. The feed only decides which of a matched listing's services and places to show, in the search's
order.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVarTuple
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import Session, selectinload

from registry.domain.paging import Page, PageRequest
from registry.domain.postcodes import NotAPostcode, display_form
from registry.domain.reference_data import load_vocabulary
from registry.domain.search_query import (
    DEFAULT_RADIUS_KM,
    MAX_TEXT_LENGTH,
    LocationMatch,
    SearchQuery,
    clean_text,
    looks_like_postcode,
)
from registry.domain.validator import load_rulesets
from registry.domain.vocabulary import Verdict
from registry.models import (
    Assessment,
    LocalAuthority,
    Location,
    Organisation,
    Region,
    RegisteredStatus,
    Service,
)
from registry.services.geocoding import OnlineGeocoder
from registry.services.listings import PUBLIC_STATUSES
from registry.services.search import Refinement, SearchError, based_within, interpret, matching_listings

# Our namespace for UUID 5 ids: never change it, or every id in the feed changes.
NAMESPACE = uuid.UUID("4f330468-762f-49d0-a509-99f035a21037")

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"
ONS_AREA_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PROXIMITY_M = 200_000

SERVICE_TYPES = "hcmr-service-type"
LEGAL_FORMS = "hcmr-legal-form"
GOVERNANCE_MODELS = "hcmr-governance-model"
VERDICTS = "hcmr-verdict"

# "Not applicable" says only that a rule set is about other legal forms, so it is not published.
PUBLISHED_VERDICTS = (Verdict.MEETS, Verdict.NEEDS_INFORMATION, Verdict.DOES_NOT_MEET)
_VERDICT_WORDS = {
    Verdict.MEETS: ("meets", "meets"),
    Verdict.NEEDS_INFORMATION: ("needs more information", "needs more information to be assessed against"),
    Verdict.DOES_NOT_MEET: ("does not meet", "does not meet"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# ---------------------------------------------------------------------------------------------------
# Stable ids


@functools.lru_cache(maxsize=65_536)
def stable_id(*key: str) -> str:
    """The UUID 5 of a key: the kind first, then the parts that identify the object, joined by the unit
    separator (which slugs and codes never contain, and which ``_squash`` removes from free text)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(key)))


def organization_id(slug: str) -> str:
    return stable_id("organization", slug)


def service_id(slug: str, service_type_code: str) -> str:
    return stable_id("service", slug, service_type_code)


def taxonomy_id(name: str) -> str:
    return stable_id("taxonomy", name)


def taxonomy_term_id(taxonomy: str, code: str) -> str:
    return stable_id("taxonomy_term", taxonomy, code)


def service_at_location_id(service_uuid: str, location_uuid: str) -> str:
    return stable_id("service_at_location", service_uuid, location_uuid)


def _squash(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


class PlaceFields(Protocol):
    """What a place's id is made from: a ``Location``, or a row of just these columns."""

    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def postcode(self) -> str | None: ...


def location_ids(slug: str, locations: Sequence[PlaceFields]) -> list[str]:
    """Ids of a listing's places, in order: each from its name, address and postcode (a second identical place
    is told apart by its count), so an id lasts as long as the place it names."""
    seen: Counter[tuple[str, str, str]] = Counter()
    ids = []
    for loc in locations:
        key = (_squash(loc.name), _squash(loc.address), _squash(loc.postcode).replace(" ", ""))
        seen[key] += 1
        ids.append(stable_id("location", slug, *key, str(seen[key])))
    return ids


def parse_uuid(value: str | None) -> str | None:
    """The canonical form of a UUID, or None when the text is not one."""
    if not value or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------
# Our published taxonomies


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> str:
        return taxonomy_term_id(self.taxonomy, self.code)

    @property
    def parent_id(self) -> str | None:
        return taxonomy_term_id(self.taxonomy, self.parent_code) if self.parent_code else None


@dataclass(frozen=True)
class Taxonomy:
    name: str
    description: str
    terms: tuple[Term, ...]

    @property
    def id(self) -> str:
        return taxonomy_id(self.name)


def _sentence(value: Any) -> str:
    return " ".join(str(value or "").split())


def _vocabulary_terms(taxonomy: str, vocabulary: str, label: str = "label") -> tuple[Term, ...]:
    return tuple(
        Term(taxonomy, item["code"], _sentence(item[label]), _sentence(item["description"]), item.get("parent"))
        for item in load_vocabulary(vocabulary)
    )


def _verdict_terms() -> tuple[Term, ...]:
    terms: list[Term] = []
    for ruleset in load_rulesets():
        terms.append(Term(VERDICTS, ruleset.id, ruleset.title, _sentence(ruleset.summary) or ruleset.title))
        for verdict in PUBLISHED_VERDICTS:
            short, phrase = _VERDICT_WORDS[verdict]
            terms.append(
                Term(
                    VERDICTS,
                    f"{ruleset.id}:{verdict.value}",
                    f"{ruleset.title}: {short}",
                    f"The registry's member-structure validator found that the organisation {phrase} the rule set "
                    f"'{ruleset.title}'.",
                    ruleset.id,
                )
            )
    return tuple(terms)


@functools.cache
def published_taxonomies() -> tuple[Taxonomy, ...]:
    """The taxonomies the feed publishes, built from the reference vocabularies and the validator's rule sets."""
    return (
        Taxonomy(
            SERVICE_TYPES,
            "Health and social care services: the Health & Care Mutuals Registry's service taxonomy. Codes are "
            "stable and never reused.",
            _vocabulary_terms(SERVICE_TYPES, "services"),
        ),
        Taxonomy(
            LEGAL_FORMS,
            "Legal forms of UK organisations (co-operative and community benefit societies, community interest "
            "companies, charities, NHS bodies...), as the Health & Care Mutuals Registry records them.",
            _vocabulary_terms(LEGAL_FORMS, "legal_forms"),
        ),
        Taxonomy(
            GOVERNANCE_MODELS,
            "Who owns and controls an organisation (workers, service users, a multi-stakeholder membership, a "
            "trust...), as the Health & Care Mutuals Registry records it.",
            _vocabulary_terms(GOVERNANCE_MODELS, "governance_models"),
        ),
        Taxonomy(
            VERDICTS,
            "Verdicts of the Health & Care Mutuals Registry's member-structure validator: for each published rule "
            "set (a top-level term), whether the organisation meets it, does not, or needs more information.",
            _verdict_terms(),
        ),
    )


@functools.cache
def _terms_by_id() -> dict[str, Term]:
    return {term.id: term for taxonomy in published_taxonomies() for term in taxonomy.terms}


def find_taxonomy(value: str | None) -> Taxonomy | None:
    wanted = parse_uuid(value)
    return next((t for t in published_taxonomies() if t.id == wanted), None)


def find_term(value: str | None) -> Term | None:
    wanted = parse_uuid(value)
    return _terms_by_id().get(wanted) if wanted else None


def term_for(taxonomy: str, code: str | None) -> Term | None:
    return _terms_by_id().get(taxonomy_term_id(taxonomy, code)) if code else None


def term_codes(term: Term) -> frozenset[str]:
    """The term's code and its descendants' codes."""
    terms = next(t.terms for t in published_taxonomies() if t.name == term.taxonomy)
    codes = {term.code}
    grew = True
    while grew:
        found = {t.code for t in terms if t.parent_code in codes} - codes
        codes |= found
        grew = bool(found)
    return frozenset(codes)


@functools.cache
def _legal_form_schemes() -> dict[str, frozenset[str]]:
    return {item["code"]: frozenset(item["identifier_schemes"]) for item in load_vocabulary("legal_forms")}


def _matches_text(text: str, *values: str) -> bool:
    wanted = text.casefold().split()
    haystack = " ".join(values).casefold()
    return all(word in haystack for word in wanted)


def taxonomies_page(search: str, paging: PageRequest) -> Page[Taxonomy]:
    found = [t for t in published_taxonomies() if _matches_text(search, t.name, t.description)]
    return _slice(found, paging)


def taxonomy_terms_page(
    paging: PageRequest,
    search: str = "",
    taxonomy: Taxonomy | None = None,
    parent: Term | None = None,
    top_only: bool = False,
) -> Page[Term]:
    """Terms in taxonomy order. ``top_only`` keeps the terms without a parent."""
    found = [
        term
        for tax in published_taxonomies()
        if taxonomy is None or tax.name == taxonomy.name
        for term in tax.terms
        if (parent is None or term.parent_id == parent.id)
        and (not top_only or term.parent_code is None)
        and _matches_text(search, term.name, term.description, term.code)
    ]
    return _slice(found, paging)


def _slice(items: list[Any], paging: PageRequest) -> Page[Any]:
    return Page(items[paging.offset : paging.offset + paging.per_page], len(items), paging.page, paging.per_page)


# ---------------------------------------------------------------------------------------------------
# Mapping: pure functions from our objects to HSDS objects


@dataclass(frozen=True)
class Links:
    """Where things are published: the feed's root URL, and a listing's page for an organization's ``uri``."""

    feed_url: str
    listing_url: Callable[[str], str]


def pruned(data: Mapping[str, Any]) -> dict[str, Any]:
    """Leave out optional fields without a value (None, empty text, empty lists)."""
    return {key: value for key, value in data.items() if value is not None and value != "" and value != []}


def web_address(value: str | None) -> str | None:
    """An absolute http(s) URL, adding ``https://`` to a bare domain; None when it cannot be one."""
    text = (value or "").strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc:
        return None
    return text


def email_address(value: str | None) -> str | None:
    text = (value or "").strip()
    return text if _EMAIL.match(text) else None


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z. SQLite hands back naive datetimes, which are stored in UTC."""
    if value is None:
        return None
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def term_as_dict(term: Term, links: Links) -> dict[str, Any]:
    return pruned(
        {
            "id": term.id,
            "name": term.name,
            "description": term.description,
            "code": term.code,
            "parent_id": term.parent_id,
            "taxonomy": term.taxonomy,
            "taxonomy_id": taxonomy_id(term.taxonomy),
            "term_uri": f"{links.feed_url}/taxonomy_terms/{term.id}",
        }
    )


def taxonomy_as_dict(taxonomy: Taxonomy, links: Links, with_terms: bool = False) -> dict[str, Any]:
    return pruned(
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": f"{links.feed_url}/taxonomies/{taxonomy.id}",
            "taxonomy_terms": [term_as_dict(t, links) for t in taxonomy.terms] if with_terms else None,
        }
    )


def attribute_as_dict(link_id: str, term: Term, links: Links) -> dict[str, Any]:
    return {
        "id": stable_id("attribute", link_id, term.id),
        "link_id": link_id,
        "taxonomy_term_id": term.id,
        "taxonomy_term": term_as_dict(term, links),
    }


def listing_terms(org: Organisation) -> list[Term]:
    """The listing's legal form, governance model and published verdicts, as terms of our taxonomies."""
    terms = [term_for(LEGAL_FORMS, org.legal_form_code), term_for(GOVERNANCE_MODELS, org.governance_model_code)]
    order = {ruleset.id: position for position, ruleset in enumerate(load_rulesets())}
    for assessment in sorted(org.assessments, key=lambda a: order.get(a.ruleset_id, len(order))):
        terms.append(term_for(VERDICTS, f"{assessment.ruleset_id}:{assessment.verdict}"))
    return [term for term in terms if term is not None]


def _organisation_description(org: Organisation) -> str:
    if org.description and org.description.strip():
        return org.description.strip()
    kind = f" ({org.legal_form.label})" if org.legal_form else ""
    return f"{org.name}{kind}, listed in the Health & Care Mutuals Registry."


def organization_summary(org: Organisation, links: Links) -> dict[str, Any]:
    """The organization's one-to-one fields."""
    return pruned(
        {
            "id": organization_id(org.slug),
            "name": org.name,
            "description": _organisation_description(org),
            "email": email_address(org.email),
            "website": web_address(org.website),
            "uri": links.listing_url(org.slug),
        }
    )


def organization_identifiers(org: Organisation, links: Links) -> list[dict[str, Any]]:
    org_uuid = organization_id(org.slug)
    legal_form = term_for(LEGAL_FORMS, org.legal_form_code)
    registered_by = _legal_form_schemes().get(org.legal_form_code or "", frozenset())
    identifiers = []
    for identifier in org.identifiers:
        identifier_uuid = stable_id("organization_identifier", identifier.scheme_code, identifier.value)
        attributes = []
        if legal_form is not None and identifier.scheme_code in registered_by:
            attributes.append(attribute_as_dict(identifier_uuid, legal_form, links))
        identifiers.append(
            pruned(
                {
                    "id": identifier_uuid,
                    "organization_id": org_uuid,
                    "identifier_scheme": identifier.scheme_code,
                    "identifier_type": identifier.scheme.label if identifier.scheme else identifier.scheme_code,
                    "identifier": identifier.value,
                    "attributes": attributes,
                }
            )
        )
    return identifiers


def organization_full(
    org: Organisation, links: Links, services: str | None = None, area_names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The organization with its identifiers and attributes; ``services`` is None, "summary" or "full"."""
    org_uuid = organization_id(org.slug)
    data = organization_summary(org, links)
    data["organization_identifiers"] = organization_identifiers(org, links)
    data["attributes"] = [attribute_as_dict(org_uuid, term, links) for term in listing_terms(org)]
    if services == "summary":
        data["services"] = [_service_fields(org, service) for service in org.services]
    elif services == "full":
        data["services"] = [
            service_full(org, service, links, area_names or {}, with_organization=False) for service in org.services
        ]
    return pruned(data)


def service_status(org: Organisation) -> str:
    return "defunct" if org.registered_status == RegisteredStatus.DISSOLVED else "active"


def _service_fields(org: Organisation, service: Service) -> dict[str, Any]:
    return pruned(
        {
            "id": service_id(org.slug, service.service_type_code),
            "organization_id": organization_id(org.slug),
            "name": f"{org.name}: {service.service_type.label}",
            "description": (service.description or "").strip(),
            "url": web_address(org.website),
            "email": email_address(org.email),
            "status": service_status(org),
            "last_modified": timestamp(org.updated_at),
        }
    )


def service_summary(org: Organisation, service: Service, links: Links) -> dict[str, Any]:
    """The service's one-to-one fields and its organization's."""
    return {**_service_fields(org, service), "organization": organization_summary(org, links)}


def service_full(
    org: Organisation,
    service: Service,
    links: Links,
    area_names: Mapping[str, str],
    with_locations: bool = True,
    with_organization: bool = True,
) -> dict[str, Any]:
    """The fully nested service: areas, places, attributes and the organization with its identifiers."""
    data = _service_fields(org, service)
    service_uuid = data["id"]
    data["service_areas"] = [
        {
            "id": stable_id("service_area", service_uuid, area.local_authority_code),
            "service_id": service_uuid,
            "name": area.name,
            "uri": ONS_AREA_URI.format(code=area.local_authority_code),
        }
        for area in org.service_areas
    ]
    if with_locations:
        data["service_at_locations"] = [
            pruned(
                {
                    "id": service_at_location_id(service_uuid, location_uuid),
                    "service_id": service_uuid,
                    "location_id": location_uuid,
                    "location": location_as_dict(location_uuid, loc, area_names),
                }
            )
            for location_uuid, loc in zip(location_ids(org.slug, org.locations), org.locations, strict=True)
        ]
    term = term_for(SERVICE_TYPES, service.service_type_code)
    data["attributes"] = [attribute_as_dict(service_uuid, term, links)] if term else []
    if with_organization:
        data["organization"] = organization_full(org, links)
    return pruned(data)


def _location_type(loc: Location) -> str:
    return "postal" if loc.is_registered_office else "physical"


def location_as_dict(location_uuid: str, loc: Location, area_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A place; with ``area_names`` (local authority and region names by code) also its address."""
    name = loc.name.strip() or ("Registered office" if loc.is_registered_office else "")
    data: dict[str, Any] = {
        "id": location_uuid,
        "location_type": _location_type(loc),
        "name": name,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
    }
    if area_names is not None:
        address = address_as_dict(location_uuid, loc, area_names)
        data["addresses"] = [address] if address else []
    return pruned(data)


def address_as_dict(location_uuid: str, loc: Location, area_names: Mapping[str, str]) -> dict[str, Any] | None:
    """The place's address in HSDS parts, or None when it lacks one that HSDS requires (street, town, county,
    postcode). Our address is one line: its last part is the town; the local authority is the county."""
    if not loc.postcode:
        return None
    try:
        postcode = display_form(loc.postcode)
    except NotAPostcode:
        postcode = loc.postcode.strip().upper()
    parts = [part.strip() for part in re.split(r"[,\n]", loc.address or "") if part.strip()]
    parts = [part for part in parts if _squash(part).replace(" ", "") != _squash(postcode).replace(" ", "")]
    local_authority = area_names.get(loc.local_authority_code or "")
    region = area_names.get(loc.region_code or "")
    city, lines = (parts[-1], parts[:-1]) if len(parts) >= 2 else (local_authority, parts)
    county = local_authority or region
    if not lines or not city or not county:
        return None
    return pruned(
        {
            "id": stable_id("address", location_uuid),
            "location_id": location_uuid,
            "address_1": ", ".join(lines),
            "city": city,
            "region": region,
            "state_province": county,
            "postal_code": postcode,
            "country": "GB",
            "address_type": _location_type(loc),
        }
    )


def service_at_location_summary(
    org: Organisation, service: Service, location_uuid: str, loc: Location, links: Links
) -> dict[str, Any]:
    service_uuid = service_id(org.slug, service.service_type_code)
    return {
        "id": service_at_location_id(service_uuid, location_uuid),
        "service_id": service_uuid,
        "location_id": location_uuid,
        "location": location_as_dict(location_uuid, loc),
        "service": service_summary(org, service, links),
    }


def service_at_location_full(
    org: Organisation,
    service: Service,
    location_uuid: str,
    loc: Location,
    links: Links,
    area_names: Mapping[str, str],
) -> dict[str, Any]:
    data = service_at_location_summary(org, service, location_uuid, loc, links)
    data["location"] = location_as_dict(location_uuid, loc, area_names)
    data["service"] = service_full(org, service, links, area_names, with_locations=False)
    return data


def page_as_dict(page: Page[Any], contents: list[dict[str, Any]]) -> dict[str, Any]:
    """The ORUK page envelope."""
    return {
        "total_items": page.total,
        "total_pages": page.pages,
        "page_number": page.page,
        "size": len(contents),
        "first_page": page.page == 1,
        "last_page": page.page >= page.pages,
        "empty": not contents,
        "contents": contents,
    }


def api_details() -> dict[str, str]:
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


# ---------------------------------------------------------------------------------------------------
# Reading the feed's query parameters


class FeedQueryError(ValueError):
    """Parameters the feed cannot use; ``fields`` maps each to what to enter instead."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class FeedQuery:
    search: str = ""
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None
    postcode: str = ""
    proximity_m: float | None = None


def parse_search_text(value: str | None) -> str:
    text = clean_text(value or "")
    if len(text) > MAX_TEXT_LENGTH:
        raise FeedQueryError({"search": f"Enter search text of {MAX_TEXT_LENGTH} characters or fewer"})
    return text


def parse_term(value: str | None, name: str = "taxonomy_term_id") -> Term | None:
    if not value:
        return None
    if parse_uuid(value) is None:
        raise FeedQueryError({name: f"Enter {name} as a UUID from /openreferral/taxonomy_terms"})
    term = find_term(value)
    if term is None:
        raise FeedQueryError(
            {name: f"There is no taxonomy term with the id {value.strip()}. See /openreferral/taxonomy_terms"}
        )
    return term


def parse_taxonomy(value: str | None) -> Taxonomy | None:
    if not value:
        return None
    if parse_uuid(value) is None:
        raise FeedQueryError({"taxonomy_id": "Enter taxonomy_id as a UUID from /openreferral/taxonomies"})
    taxonomy = find_taxonomy(value)
    if taxonomy is None:
        raise FeedQueryError(
            {"taxonomy_id": f"There is no taxonomy with the id {value.strip()}. See /openreferral/taxonomies"}
        )
    return taxonomy


def parse_feed_query(args: Mapping[str, str]) -> FeedQuery:
    """Read the list endpoints' filters, or raise ``FeedQueryError`` naming every bad one."""
    errors: dict[str, str] = {}

    def attempt(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except FeedQueryError as error:
            errors.update(error.fields)
            return None

    search = attempt(lambda: parse_search_text(args.get("search"))) or ""
    term = attempt(lambda: parse_term(args.get("taxonomy_term_id")))
    taxonomy = attempt(lambda: parse_taxonomy(args.get("taxonomy_id")))

    organisation = None
    if args.get("organization_id"):
        organisation = parse_uuid(args.get("organization_id"))
        if organisation is None:
            errors["organization_id"] = "Enter organization_id as a UUID from /openreferral/organizations"

    modified_after = None
    if args.get("modified_after"):
        modified_after = _moment(args.get("modified_after") or "")
        if modified_after is None:
            errors["modified_after"] = "Enter modified_after as a date and time, like 2024-05-01T09:00:00Z"

    postcode = clean_text(args.get("postcode") or "")
    if postcode and (len(postcode) > 8 or not looks_like_postcode(postcode)):
        errors["postcode"] = "Enter a full or partial postcode, like S1 2HE or S1"

    proximity = None
    if args.get("proximity"):
        proximity = _metres(args.get("proximity") or "")
        if proximity is None:
            errors["proximity"] = (
                f"Enter proximity as a distance in metres between 1 and {MAX_PROXIMITY_M:,}, like 5000"
            )
        elif not postcode and "postcode" not in errors:
            errors["proximity"] = "Enter a postcode to search within a distance of it"

    if errors:
        raise FeedQueryError(errors)
    return FeedQuery(search, term, taxonomy, organisation, modified_after, postcode, proximity)


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _metres(value: str) -> float | None:
    try:
        metres = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(metres) or not 1 <= metres <= MAX_PROXIMITY_M:
        return None
    return metres


def parse_flag(args: Mapping[str, str], name: str) -> bool:
    value = (args.get(name) or "").strip().lower()
    if value in {"", "false"}:
        return False
    if value == "true":
        return True
    raise FeedQueryError({name: f"Enter {name} as true or false"})


# ---------------------------------------------------------------------------------------------------
# Running the search for the feed


@dataclass(frozen=True)
class _Matched:
    """The listings found: as a set (``listings``, for counting) and ranked in the search's order (``ranked``);
    which of their services to show, and which places when a proximity was given."""

    listings: Select[Any]
    ranked: Subquery
    service_types: frozenset[str] | None
    nearby_locations: Select[Any] | None


def _search_for(
    query: FeedQuery, organisation_slug: str | None
) -> tuple[SearchQuery, Refinement | None, list[ColumnElement[bool]]]:
    """The search (and any conditions on top of it) that finds the listings the feed's filters ask for."""
    filters: dict[str, tuple[str, ...]] = {}
    verdicts: dict[str, tuple[str, ...]] = {}
    conditions: list[ColumnElement[bool]] = []
    facet_of = {SERVICE_TYPES: "service", LEGAL_FORMS: "legal_form", GOVERNANCE_MODELS: "governance"}
    if query.taxonomy is not None:
        if query.taxonomy.name in {LEGAL_FORMS, GOVERNANCE_MODELS}:
            filters[facet_of[query.taxonomy.name]] = tuple(t.code for t in query.taxonomy.terms)
        elif query.taxonomy.name == VERDICTS:
            rulesets = [t.code for t in query.taxonomy.terms if t.parent_code is None]
            conditions.append(
                Organisation.id.in_(
                    select(Assessment.organisation_id).where(
                        Assessment.ruleset_id.in_(rulesets),
                        Assessment.verdict.in_([v.value for v in PUBLISHED_VERDICTS]),
                    )
                )
            )
    if query.term is not None:
        term = query.term
        if term.taxonomy in facet_of:
            filters[facet_of[term.taxonomy]] = (term.code,)
        else:
            ruleset, _, verdict = term.code.partition(":")
            verdicts[ruleset] = (verdict,) if verdict else tuple(v.value for v in PUBLISHED_VERDICTS)
    if query.organization_id is not None:
        conditions.append(Organisation.slug == organisation_slug)
    if query.modified_after is not None:
        conditions.append(Organisation.updated_at >= query.modified_after)
    search = SearchQuery(
        text=query.search,
        near=query.postcode,
        radius_km=query.proximity_m / 1000 if query.proximity_m else DEFAULT_RADIUS_KM,
        # A postcode alone checks service coverage (HSDS); with a proximity, listings based within it. A place
        # typed into ``search`` is read as the search page reads it (based nearby or serving it).
        match=_location_match(query),
        filters=filters,
        # The feed serves closed organisations too, their services marked "defunct", as its package does.
        include_closed=True,
    )
    return search, Refinement(verdicts=verdicts) if verdicts else None, conditions


def _location_match(query: FeedQuery) -> LocationMatch:
    if query.proximity_m:
        return LocationMatch.BASED
    return LocationMatch.SERVES if query.postcode else LocationMatch.BOTH


def _match(session: Session, query: FeedQuery, geocoder: OnlineGeocoder | None) -> _Matched:
    """Run the search for the feed's filters; raises ``FeedQueryError`` for a postcode it cannot find."""
    slug = None
    if query.organization_id is not None:
        found = find_organisation(session, query.organization_id, load=False)
        slug = found.slug if found else None
    search, refinement, conditions = _search_for(query, slug)
    try:
        interpreted, place, *_ = interpret(session, search, geocoder)
        found_listings = matching_listings(session, interpreted, geocoder, refinement)
    except SearchError as error:
        names = {"near": "postcode", "q": "search"}
        raise FeedQueryError({names.get(key, key): message for key, message in error.fields.items()}) from error
    service_types = term_codes(query.term) if query.term and query.term.taxonomy == SERVICE_TYPES else None
    nearby = None
    if place is not None and query.proximity_m:
        # The search finds listings with any place within the distance; a service at a place is shown only
        # when that place is: the search's own radius query, one row per place instead of per listing.
        nearby = based_within(place, query.proximity_m / 1000).with_only_columns(Location.id).group_by(None)
    matching = found_listings.ids.where(*conditions)
    return _Matched(matching.order_by(None), _ranked(matching, found_listings.order), service_types, nearby)


def _ranked(matching: Select[Any], order: tuple[Any, ...]) -> Subquery:
    """(organisation_id, rank) in the search's order (nearest, most relevant, then by name), so that services and
    places can be paged in that order. The order is the search's own (``MatchingListings.order``)."""
    return (
        matching.with_only_columns(
            Organisation.id.label("organisation_id"), func.row_number().over(order_by=order).label("rank")
        )
        .order_by(None)
        .subquery("ranked")
    )


# ---------------------------------------------------------------------------------------------------
# Pages and objects from the database

_SUMMARY_LOAD = (selectinload(Service.organisation),)
_FULL_LISTING_LOAD = (
    selectinload(Organisation.identifiers),
    selectinload(Organisation.services),
    selectinload(Organisation.service_areas),
    selectinload(Organisation.locations),
    selectinload(Organisation.assessments),
)
_PUBLISHED = Organisation.status.in_(PUBLIC_STATUSES)
Columns = TypeVarTuple("Columns")


def _in_order(rows: Select[*Columns], matched: _Matched, listing: Any, ordered: bool) -> Select[*Columns]:
    """Rows of the found listings: joined to their rank to be paged in order, or as a plain set to be counted."""
    if ordered:
        return rows.join(matched.ranked, matched.ranked.c.organisation_id == listing)
    return rows.where(listing.in_(matched.listings))


def _service_rows(matched: _Matched, ordered: bool) -> Select[Any]:
    rows = _in_order(select(Service.id), matched, Service.organisation_id, ordered)
    if matched.service_types is not None:
        rows = rows.where(Service.service_type_code.in_(matched.service_types))
    return rows


def _count(session: Session, rows: Select[*tuple[Any, ...]]) -> int:
    return session.scalar(select(func.count()).select_from(rows.subquery())) or 0


def services_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[Service]:
    """The services the filters find, in the search's order, each with its organisation loaded."""
    matched = _match(session, query, geocoder)
    total = _count(session, _service_rows(matched, ordered=False))
    page = (
        _service_rows(matched, ordered=True)
        .order_by(matched.ranked.c.rank, Service.position, Service.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    ids = list(session.scalars(page))
    loaded = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(ids)).options(*_SUMMARY_LOAD))}
    return Page([loaded[i] for i in ids], total, paging.page, paging.per_page)


def organisations_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[Organisation]:
    """The listings the filters find, in the search's order."""
    matched = _match(session, query, geocoder)
    total = _count(session, matched.listings)
    page = (
        _in_order(select(Organisation.id), matched, Organisation.id, ordered=True)
        .order_by(matched.ranked.c.rank)
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    ids = list(session.scalars(page))
    loaded = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    return Page([loaded[i] for i in ids], total, paging.page, paging.per_page)


@dataclass(frozen=True)
class ServiceAtLocation:
    service: Service
    location: Location
    location_uuid: str

    @property
    def organisation(self) -> Organisation:
        return self.service.organisation


def _at_location(service: Service, location: Location) -> ServiceAtLocation:
    org = service.organisation
    uuids = location_ids(org.slug, org.locations)
    return ServiceAtLocation(service, location, uuids[org.locations.index(location)])


def service_at_locations_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[ServiceAtLocation]:
    """Each found service at each of its listing's places (only the places within ``proximity`` when given)."""
    matched = _match(session, query, geocoder)

    def rows(ordered: bool) -> Select[int, int]:
        found = _in_order(select(Service.id, Location.id), matched, Service.organisation_id, ordered).join(
            Location, Location.organisation_id == Service.organisation_id
        )
        if matched.service_types is not None:
            found = found.where(Service.service_type_code.in_(matched.service_types))
        if matched.nearby_locations is not None:
            found = found.where(Location.id.in_(matched.nearby_locations))
        return found

    total = _count(session, rows(ordered=False))
    pairs = session.execute(
        rows(ordered=True)
        .order_by(matched.ranked.c.rank, Service.position, Location.position, Location.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    ).all()
    services = {
        s.id: s
        for s in session.scalars(
            select(Service)
            .where(Service.id.in_({p[0] for p in pairs}))
            .options(selectinload(Service.organisation).selectinload(Organisation.locations))
        )
    }
    locations = {loc.id: loc for s in services.values() for loc in s.organisation.locations}
    items = [_at_location(services[service_key], locations[location_key]) for service_key, location_key in pairs]
    return Page(items, total, paging.page, paging.per_page)


def find_organisation(session: Session, value: str, load: bool = True) -> Organisation | None:
    """The published listing with this feed id, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    for key, slug in session.execute(select(Organisation.id, Organisation.slug).where(_PUBLISHED)):
        if organization_id(slug) == wanted:
            if not load:
                return session.get(Organisation, key)
            return session.scalars(
                select(Organisation).where(Organisation.id == key).options(*_FULL_LISTING_LOAD)
            ).one()
    return None


def find_service(session: Session, value: str) -> Service | None:
    """The published service with this feed id, with its listing fully loaded, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    rows = session.execute(
        select(Service.id, Organisation.slug, Service.service_type_code).join(Service.organisation).where(_PUBLISHED)
    )
    for key, slug, code in rows:
        if service_id(slug, code) == wanted:
            return _service_with_listing(session, key)
    return None


def _service_with_listing(session: Session, key: int) -> Service:
    return session.scalars(
        select(Service)
        .where(Service.id == key)
        .options(selectinload(Service.organisation).options(*_FULL_LISTING_LOAD))
    ).one()


def find_service_at_location(session: Session, value: str) -> ServiceAtLocation | None:
    """The published service at a place with this feed id, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    places: dict[str, list[Any]] = {}
    located = session.execute(
        select(Organisation.slug, Location.id, Location.name, Location.address, Location.postcode)
        .join(Location.organisation)
        .where(_PUBLISHED)
        .order_by(Location.position, Location.id)
    )
    for row in located:
        places.setdefault(row.slug, []).append(row)
    place_ids = {slug: list(zip(rows, location_ids(slug, rows), strict=True)) for slug, rows in places.items()}
    services = session.execute(
        select(Service.id, Organisation.slug, Service.service_type_code).join(Service.organisation).where(_PUBLISHED)
    )
    for key, slug, code in services:
        service_uuid = service_id(slug, code)
        for row, location_uuid in place_ids.get(slug, []):
            if service_at_location_id(service_uuid, location_uuid) == wanted:
                service = _service_with_listing(session, key)
                location = next(loc for loc in service.organisation.locations if loc.id == row.id)
                return _at_location(service, location)
    return None


def area_names(session: Session, locations: Iterable[Location]) -> dict[str, str]:
    """Local authority and region names by ONS code, for the places' addresses."""
    places = list(locations)
    authorities = {loc.local_authority_code for loc in places if loc.local_authority_code}
    regions = {loc.region_code for loc in places if loc.region_code}
    names: dict[str, str] = {}
    if authorities:
        query = select(LocalAuthority.code, LocalAuthority.name).where(LocalAuthority.code.in_(authorities))
        names.update((code, name) for code, name in session.execute(query))
    if regions:
        query = select(Region.code, Region.name).where(Region.code.in_(regions))
        names.update((code, name) for code, name in session.execute(query))
    return names


def package_listing_ids(session: Session) -> list[int]:
    """The published listings of :func:`service_package`, in its order: read before a streamed answer starts, so
    that a database outage is an error answer rather than a download broken at its first byte."""
    return list(
        session.scalars(
            select(Organisation.id).where(_PUBLISHED).order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def service_package(
    session: Session, links: Links, batch_size: int = 100, ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Every published service (of the listings ``ids``, by default every published one), fully nested (the HSDS
    ``service_package`` shape), listing by listing in name order; read in batches so that memory stays flat
    however many listings there are."""
    if ids is None:
        ids = package_listing_ids(session)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        loaded = {
            o.id: o
            for o in session.scalars(
                select(Organisation).where(Organisation.id.in_(batch)).options(*_FULL_LISTING_LOAD)
            )
        }
        names = area_names(session, (loc for o in loaded.values() for loc in o.locations))
        for key in batch:
            org = loaded.get(key)
            if org is None or org.status not in PUBLIC_STATUSES:  # deleted or withdrawn since the ids were read
                continue
            for service in org.services:
                yield service_full(org, service, links, names)
