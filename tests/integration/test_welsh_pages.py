"""Every page in Welsh: rendered with ``?lang=cy``, it says ``lang="cy"``, passes the page checks, and holds no
English but what is marked to stay English (``tests.support.welsh``).

``test_every_page_is_checked_in_welsh`` reads the app's routes and fails when an HTML page is neither visited
here nor listed, with its reason, in ``NOT_PAGES`` (machine-readable answers, whose codes and keys stay English)
or ``NOT_YET_WELSH`` (pages whose translation is still to come in issue 19; the list must end empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ChangeKind, ChangeRequest, Claim, Organisation, Role
from tests.support.accounts import make_user, signed_in_client
from tests.support.pages import checked_page
from tests.support.welsh import english_left

# Answers that are data, not pages: their keys, codes and (HSDS, OpenAPI) field names stay English; the API's
# error messages follow Accept-Language (tests/integration/test_welsh_api.py).
NOT_PAGES = {
    "static": "static files",
    "operations.healthz": "health check for load balancers",
    "operations.readyz": "readiness check for load balancers",
    "api.openapi_json": "the OpenAPI document (JSON)",
    "api.organisations": "JSON API",
    "api.organisation": "JSON API",
    "api.places": "JSON API",
    "api.rulesets": "JSON API",
    "api.ruleset": "JSON API",
    "public.data_csv": "open data download (machine-readable columns)",
    "public.data_json": "open data download (JSON)",
    "public.data_licence": "licence text download",
    "openreferral.package": "Open Referral UK download (HSDS field names)",
    "openreferral.api_details": "Open Referral UK feed (JSON)",
    "openreferral.elsewhere": "Open Referral UK feed (JSON)",
    "openreferral.organizations": "Open Referral UK feed (JSON)",
    "openreferral.organization": "Open Referral UK feed (JSON)",
    "openreferral.service_at_locations": "Open Referral UK feed (JSON)",
    "openreferral.service_at_location": "Open Referral UK feed (JSON)",
    "openreferral.services": "Open Referral UK feed (JSON)",
    "openreferral.service": "Open Referral UK feed (JSON)",
    "openreferral.taxonomies": "Open Referral UK feed (JSON)",
    "openreferral.taxonomy": "Open Referral UK feed (JSON)",
    "openreferral.taxonomy_terms": "Open Referral UK feed (JSON)",
    "openreferral.taxonomy_term": "Open Referral UK feed (JSON)",
    "commission.export_results": "download (its Welsh headers: tests/integration/test_welsh_exports.py)",
    "commission.export_shortlist": "download (its Welsh headers: tests/integration/test_welsh_exports.py)",
}

# Issue 19 is translated area by area; these pages are still in English. Each area's pages leave this list as
# its translation lands, and the issue is done when it is empty.
NOT_YET_WELSH: dict[str, str] = {}


@dataclass(frozen=True)
class Visit:
    endpoint: str
    path: str
    who: Role | None = None


def _listing_slug(session: Session, name: str) -> str:
    slug = session.scalar(select(Organisation.slug).where(Organisation.name == name))
    assert slug, name
    return slug


def _waiting_change(session: Session) -> int:
    """A change to a listing's legal form, waiting for a moderator; its id."""
    org = session.scalars(select(Organisation).where(Organisation.name == "Ripplez CIC")).one()
    proposer = make_user(session, "welsh-proposer@example.org")
    request = ChangeRequest(
        organisation=org,
        kind=ChangeKind.CHANGE.value,
        proposed={"legal_form": "community_benefit_society"},
        summary="Change legal form",
        base_version=org.version,
        proposed_by=proposer,
    )
    session.add(request)
    session.commit()
    return request.id


def _waiting_claim(session: Session) -> int:
    """A claim to a listing, waiting for a moderator; its id."""
    org = session.scalars(select(Organisation).where(Organisation.name == "Mutual Support")).one()
    claimant = make_user(session, "welsh-claimant@example.org")
    claim = Claim(organisation=org, user=claimant, role_at_organisation="Director", evidence="Companies House.")
    session.add(claim)
    session.commit()
    return claim.id


VISITS: list[Callable[[Session], Visit]] = [
    lambda s: Visit("public.home", "/"),
    lambda s: Visit("public.find", "/find?q=Sheffield"),
    lambda s: Visit("public.find", "/find?q=home+care+near+Leeds"),
    lambda s: Visit("public.find", "/find?q=ZZ9+9ZZ"),
    lambda s: Visit("public.organisations", "/organisations"),
    lambda s: Visit("public.listing", f"/organisations/{_listing_slug(s, 'Mutual Support')}"),
    lambda s: Visit("public.listing", f"/organisations/{_listing_slug(s, 'Ripplez CIC')}"),
    lambda s: Visit("manage.listing_history", f"/organisations/{_listing_slug(s, 'Ripplez CIC')}/history"),
    lambda s: Visit("public.about_data", "/about/data"),
    lambda s: Visit("public.accessibility", "/accessibility"),
    lambda s: Visit("public.contact", "/contact"),
    lambda s: Visit("public.data", "/data"),
    lambda s: Visit("api_docs.reference", "/api/docs"),
    lambda s: Visit("check.check", "/check"),
    lambda s: Visit("account.sign_in", "/account/sign-in"),
    lambda s: Visit("account.sign_up", "/account/sign-up"),
    lambda s: Visit("account.request_reset", "/account/reset-password"),
    lambda s: Visit("account.reset_password", "/account/reset-password/not-a-token"),
    lambda s: Visit("account.confirm", "/account/confirm/not-a-token"),
    lambda s: Visit("account.details", "/account", Role.REPRESENTATIVE),
    lambda s: Visit("manage.home", "/manage", Role.REPRESENTATIVE),
    lambda s: Visit("manage.new_listing", "/manage/listings/new", Role.REPRESENTATIVE),
    lambda s: Visit("manage.find_to_claim", "/manage/claim?q=Ripplez", Role.REPRESENTATIVE),
    lambda s: Visit("manage.claim", f"/manage/claim/{_listing_slug(s, 'Ripplez CIC')}", Role.REPRESENTATIVE),
    lambda s: Visit("commission.find", "/commission", Role.COMMISSIONER),
    lambda s: Visit("commission.find", "/commission?legal_form=co_operative_society&area=Sheffield", Role.COMMISSIONER),
    lambda s: Visit("commission.overview", "/commission/overview", Role.COMMISSIONER),
    lambda s: Visit("commission.shortlists", "/commission/shortlists", Role.COMMISSIONER),
    lambda s: Visit(
        "commission.add_to_shortlist",
        f"/commission/organisations/{_listing_slug(s, 'Mutual Support')}/shortlist",
        Role.COMMISSIONER,
    ),
    lambda s: Visit("commission.profile_list", "/commission/profiles", Role.COMMISSIONER),
    lambda s: Visit("commission.commissioners", "/commission/commissioners", Role.MODERATOR),
    lambda s: Visit("moderate.queue", "/moderate", Role.MODERATOR),
    lambda s: Visit("moderate.change_request", f"/moderate/changes/{_waiting_change(s)}", Role.MODERATOR),
    lambda s: Visit("moderate.claim", f"/moderate/claims/{_waiting_claim(s)}", Role.MODERATOR),
    lambda s: Visit("moderate.find_listing", "/moderate/listings?q=Ripplez", Role.MODERATOR),
    lambda s: Visit("moderate.listing", f"/moderate/listings/{_listing_slug(s, 'Ripplez CIC')}", Role.MODERATOR),
    lambda s: Visit("moderate.audit_log", "/moderate/audit", Role.MODERATOR),
    lambda s: Visit("moderate.users", "/moderate/users", Role.MODERATOR),
    lambda s: Visit("moderate.email_outbox", "/moderate/outbox", Role.ADMIN),
    lambda s: Visit("public.explain_index", "/explain"),
    lambda s: Visit("public.explain", "/explain/co-operatives"),
    lambda s: Visit("public.explain", "/explain/mutuals"),
    lambda s: Visit("public.explain", "/explain/public-service-mutuals"),
    lambda s: Visit("public.explain", "/explain/social-enterprises"),
    lambda s: Visit("public.explain", "/explain/nhs-spin-outs"),
    lambda s: Visit("public.explain", "/explain/asset-lock"),
    lambda s: Visit("public.explain", "/explain/preferred-providers"),
    lambda s: Visit("public.explain", "/explain/reading-verdicts"),
]

# Visits that need a listing the representative manages are made by the manage tests in Welsh
# (tests/integration/test_welsh_manage.py), and those that need a commissioner's shortlist or profile by the
# commissioners' tests (tests/integration/test_welsh_commission.py, which also composes a profile: the rule sets'
# Welsh quotes their English sources there); their endpoints are named here so the route check knows.
VISITED_ELSEWHERE = {
    "manage.listing": "tests/integration/test_welsh_manage.py",
    "manage.edit_step": "tests/integration/test_welsh_manage.py",
    "manage.withdraw": "tests/integration/test_welsh_manage.py",
    "commission.new_profile": "tests/integration/test_welsh_commission.py",
    "commission.profile": "tests/integration/test_welsh_commission.py",
    "commission.edit_profile": "tests/integration/test_welsh_commission.py",
    "commission.shared_profile": "tests/integration/test_welsh_commission.py",
    "commission.shortlist": "tests/integration/test_welsh_commission.py",
    "commission.compare": "tests/integration/test_welsh_commission.py",
}


def _client(app: Flask, session: Session, client: FlaskClient, who: Role | None) -> FlaskClient:
    if who is None:
        return client
    return signed_in_client(app, session, f"welsh-{who.value}@example.org", who)


@pytest.mark.usefixtures("fresh_rate_limits")  # each signed-in visit signs in afresh
@pytest.mark.parametrize("make_visit", VISITS, ids=[f"visit-{number}" for number in range(len(VISITS))])
def test_the_page_is_all_welsh(
    app: Flask, session: Session, client: FlaskClient, make_visit: Callable[[Session], Visit]
) -> None:
    visit = make_visit(session)
    response = _client(app, session, client, visit.who).get(
        visit.path + ("&" if "?" in visit.path else "?") + "lang=cy"
    )
    page = checked_page(response, status=response.status_code if response.status_code in (200, 400, 404) else 200)
    assert page.html is not None and page.html["lang"] == "cy", visit.path
    left = english_left(page)
    assert not left, f"{visit.path} has English left in Welsh: {left[:8]}"


def _html_get_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def test_every_page_is_checked_in_welsh(app: Flask, session: Session) -> None:
    visited = {make(session).endpoint for make in VISITS} | set(VISITED_ELSEWHERE)
    unaccounted = _html_get_endpoints(app) - visited - set(NOT_PAGES) - set(NOT_YET_WELSH)
    assert not unaccounted, f"GET routes neither checked in Welsh nor listed with a reason: {sorted(unaccounted)}"
    overlap = visited & set(NOT_YET_WELSH)
    assert not overlap, f"checked in Welsh, so no longer 'not yet Welsh': {sorted(overlap)}"
