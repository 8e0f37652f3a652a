"""Pure functions from our listings to HSDS objects: organizations, services, locations and their attributes.

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

Optional fields without a value are left out, as the ORUK compliance rules ask.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from registry.domain.paging import Page
from registry.domain.postcodes import NotAPostcode, display_form
from registry.domain.reference_data import load_vocabulary
from registry.domain.validator import load_rulesets
from registry.models import Location, Organisation, RegisteredStatus, Service
from registry.services.openreferral.ids import (
    location_ids,
    organization_id,
    service_at_location_id,
    service_id,
    squash,
    stable_id,
    taxonomy_id,
)
from registry.services.openreferral.taxonomies import (
    GOVERNANCE_MODELS,
    LEGAL_FORMS,
    SERVICE_TYPES,
    VERDICTS,
    Taxonomy,
    Term,
    term_for,
)

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"
ONS_AREA_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@functools.cache
def _legal_form_schemes() -> dict[str, frozenset[str]]:
    return {item["code"]: frozenset(item["identifier_schemes"]) for item in load_vocabulary("legal_forms")}


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
    parts = [part for part in parts if squash(part).replace(" ", "") != squash(postcode).replace(" ", "")]
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
