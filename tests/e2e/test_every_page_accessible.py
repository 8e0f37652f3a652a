"""Every page, for every audience, at 1280 and 375 px, with axe: WCAG 2.2 A and AA plus the `region` rule
(all content inside a landmark), and no sideways scrolling of the page (WCAG 1.4.10 Reflow). A failure names the
page, the width, each rule and the elements it found.

The pages are listed below by audience, with what a person does on some of them first (a bad submit, a good
one). `test_every_html_page_is_swept` reads the app's routes and fails when a GET page is neither visited here
nor excluded (with the reason) in `NOT_PAGES`, so a new page cannot escape the sweep.

The listings, claim, change request, shortlist and profile the pages show are made once for the module in the
live server's database through the app's own forms (Flask's test client) and services, with names of their own;
the listings are withdrawn afterwards so no other test finds them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, template_rendered
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import RequestRedirect

from registry.domain.language import gettext, speaking
from registry.extensions import db, limiter
from registry.models import ChangeRequest, Claim, Organisation, Role, User
from registry.services.accounts import Tokens, create_user
from registry.services.moderation import approve_change_request
from registry.services.profiles import create_profile, share_profile
from registry.services.search_index import reindex
from registry.services.shortlists import add_to_shortlist, create_shortlist
from tests.support.accessibility import axe_violations_report
from tests.support.accounts import PASSWORD, SITE_NAME, post_form, sign_in
from tests.support.registration import ABOUT, LEGAL, post_step, register, submit
from tests.support.welsh import english_left

pytestmark = pytest.mark.e2e

WIDTHS = {"1280": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 812}}
ROLES = {
    "representative": Role.REPRESENTATIVE,
    "commissioner": Role.COMMISSIONER,
    "moderator": Role.MODERATOR,
    "admin": Role.ADMIN,
}
UNCLAIMED = "mutual-support"  # a seed listing nobody represents
CLAIMED_BY_SWEEP = "sunshine-care-rochdale-cic"  # a seed listing the sweep's representative claims
CLOSED = "seqol"  # a seed listing whose organisation has dissolved
COMPARED = ("mutual-support", "ripplez-cic")

# GET routes that are not HTML pages a person reads, so axe has nothing to check; each with why.
NOT_PAGES = {
    "operations.healthz": "JSON for the load balancer",
    "operations.readyz": "JSON for the load balancer",
    "public.data_csv": "a CSV download",
    "public.data_json": "a JSON download",
    "public.data_licence": "a plain-text licence",
    "openreferral.package": "a JSON download",
    "commission.export_results": "a CSV, Excel or JSON download",
    "commission.export_shortlist": "a CSV, Excel or JSON download",
}
NOT_PAGE_PATHS = ("/static/", "/assets/")  # our CSS, JS and images, and the NHS.UK frontend's
NOT_PAGE_PREFIXES = {
    "api.": "the JSON API (its HTML reference, /api/docs, is swept)",
    "openreferral.": "the Open Referral UK JSON feed",
}


# Templates no visit renders as a page of its own, each with why.
NOT_PAGE_TEMPLATES = {
    "layout.html": "the frame every page extends",
    "explain/page.html": "the frame every explanation page extends",
}
RENDERED: set[str] = set()  # the templates the live server rendered while this module ran
SWEPT: set[str] = set()  # the sweep's cases that ran


@dataclass(frozen=True)
class Visit:
    """One page to check: who opens it, its address (with `{name}` for the module's own objects), and what the
    person does there before axe runs (submitting a form, say); `status` is the answer expected for the page."""

    name: str
    role: str
    path: str
    then: Callable[[Any, World], None] | None = None
    status: int = 200
    needs: str | None = None  # an endpoint still being built: the visit is skipped until it exists


@dataclass
class World:
    """The objects the pages show, made once for the module; `ids` fills the visits' `{name}` placeholders."""

    app: Flask
    emails: dict[str, str]
    ids: dict[str, str]
    representative: Any  # a Flask test client signed in as the representative

    def url(self, path: str) -> str:
        return path.format(**self.ids)


def _press(name: str, *, refused: bool = True) -> Callable[[Any, World], None]:
    """Press a button in <main>; a `refused` submit must come back with the error summary (an "Error: " title)."""

    def press(page: Any, world: World) -> None:
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name=name, exact=True).first.click()
        if refused:
            assert page.title().startswith("Error: "), f"{page.url}: the submit was not refused: {page.title()}"

    return press


def _fill_then_press(fields: dict[str, str], name: str) -> Callable[[Any, World], None]:
    def fill(page: Any, world: World) -> None:
        for selector, value in fields.items():
            field = page.locator(selector)
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        _press(name)(page, world)

    return fill


def _check_a_structure(page: Any, world: World) -> None:
    page.get_by_label("Organisation name").fill("Mutual Support")
    page.get_by_label("Legal form").select_option("co_operative_society")
    page.locator("#member_classes-0-name").fill("People who need support")
    page.locator("#member_classes-0-kind").select_option("service_user")
    page.locator("#member_classes-0-voting_rule").select_option("one_member_one_vote")
    page.locator("#profits-asset_lock").select_option("constitutional")
    _press("Check this structure", refused=False)(page, world)
    assert page.locator("h1").inner_text() == "Structure check: Mutual Support"


def _edit_after_someone_else(page: Any, world: World) -> None:
    """The conflict page: the listing is saved by another tab (the test client) after this page loaded it."""
    about = {**ABOUT, "name": world.ids["draft_name"], "description": f"Homecare in Sheffield ({uuid.uuid4().hex})."}
    response = post_step(world.representative, world.url("/manage/listings/{draft}/about"), about)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page.get_by_label("What the organisation does").fill("Homecare, owned by the people who give and receive it.")
    with page.expect_navigation():
        page.locator("main button[name=action][value=continue]").click()  # "Save and continue" or "Save changes"
    assert "Someone else changed this listing" in page.locator("h1").inner_text()


def _sign_up(page: Any, world: World) -> None:
    page.get_by_label("Email address").fill(f"sweep-{uuid.uuid4().hex[:8]}@sweep.example.org")
    page.get_by_label("Create a password").fill(PASSWORD)
    _press("Create account", refused=False)(page, world)
    assert "Check your email" in page.locator("h1").inner_text()


def _ask_for_a_reset_link(page: Any, world: World) -> None:
    page.get_by_label("Email address").fill(world.emails["admin"])
    _press("Send the link", refused=False)(page, world)


def _unconfirmed_user(world: World) -> User:
    with world.app.app_context():
        email = f"sweep-new-{uuid.uuid4().hex[:8]}@sweep.example.org"
        user = create_user(db.session, email, PASSWORD, Role.REPRESENTATIVE, site_name=SITE_NAME)
        user.email_confirmed_at = None
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def _sign_in_unconfirmed(page: Any, world: World) -> None:
    page.get_by_label("Email address").fill(_unconfirmed_user(world).email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _press("Sign in", refused=False)(page, world)


def _confirm_an_address(page: Any, world: World) -> None:
    """In the newcomer's own context, emptied first: confirming signs in, which the public context must not be."""
    page.context.clear_cookies()
    token = Tokens(world.app.config["SECRET_KEY"]).confirmation(_unconfirmed_user(world))
    address = urlsplit(page.url)
    page.goto(f"{address.scheme}://{address.netloc}/account/confirm/{token}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _press("Confirm and sign in", refused=False)(page, world)
    assert "Email address confirmed" in page.locator("h1").inner_text()


def _send_a_message(page: Any, world: World) -> None:
    page.get_by_label("Something else").check()
    page.get_by_label("Your message").fill("A test message from the accessibility sweep.")
    page.get_by_label("Email address").fill(world.emails["admin"])
    _press("Send message", refused=False)(page, world)


def _sign_in_too_often(page: Any, world: World) -> None:
    for _ in range(20):
        page.get_by_label("Email address").fill(world.emails["representative"])
        page.get_by_label("Password", exact=True).fill("not the password")
        with page.expect_navigation() as answer:
            page.locator("main").get_by_role("button", name="Sign in").click()
        if answer.value.status == 429:
            return
    raise AssertionError("twenty wrong passwords were never refused with 429")


def _reject_without_reason(page: Any, world: World) -> None:
    page.get_by_role("radio", name="Reject").check()
    _press("Record decision")(page, world)


def _new_shortlist_without_a_name(page: Any, world: World) -> None:
    page.get_by_label("A new shortlist", exact=True).check()
    _press("Add to shortlist")(page, world)


PUBLIC = [
    Visit("home", "public", "/"),
    Visit("find", "public", "/find?q=care"),
    Visit(
        "find with filters",
        "public",
        "/find?q=care&near=S1+2HE&radius_km=50&legal_form=co_operative_society&include_closed=yes",
    ),
    Visit("find with a bad radius", "public", "/find?q=care&near=S1+2HE&radius_km=lots", status=400),
    Visit("find with no results", "public", "/find?q=zzqqxx"),
    Visit("organisations", "public", "/organisations"),
    Visit("organisations page 2", "public", "/organisations?page=2"),
    Visit("listing claimed", "public", "/organisations/{published}"),
    Visit("listing unclaimed", "public", f"/organisations/{UNCLAIMED}"),
    Visit("listing closed", "public", f"/organisations/{CLOSED}"),
    Visit("listing history", "public", "/organisations/{published}/history"),
    Visit("missing listing", "public", "/organisations/no-such-listing", status=404),
    Visit("check", "public", "/check"),
    Visit(
        "check bad submit",
        "public",
        "/check",
        _fill_then_press({"#member_classes-0-count": "lots"}, "Check this structure"),
    ),
    Visit("check verdicts", "public", "/check", _check_a_structure),
    Visit("about the data", "public", "/about/data"),
    Visit("accessibility", "public", "/accessibility"),
    Visit("open data", "public", "/data"),
    Visit("api docs", "public", "/api/docs"),
    Visit("contact", "public", "/contact", needs="public.contact"),
    Visit("contact bad submit", "public", "/contact", _press("Send message"), needs="public.contact"),
    Visit("contact sent", "public", "/contact", _send_a_message, needs="public.contact"),
    Visit("explain", "public", "/explain", needs="public.explain_index"),
]
ACCOUNT = [
    Visit("sign in", "public", "/account/sign-in"),
    Visit("sign in bad submit", "public", "/account/sign-in", _press("Sign in")),
    Visit("sign up", "public", "/account/sign-up"),
    Visit("sign up bad submit", "public", "/account/sign-up", _press("Create account")),
    Visit("sign up done", "public", "/account/sign-up", _sign_up),
    Visit("sign in unconfirmed", "public", "/account/sign-in", _sign_in_unconfirmed),
    Visit("too many sign-in attempts", "public", "/account/sign-in", _sign_in_too_often),
    Visit("reset password", "public", "/account/reset-password"),
    Visit("reset password bad submit", "public", "/account/reset-password", _press("Send the link")),
    Visit("reset link sent", "public", "/account/reset-password", _ask_for_a_reset_link),
    Visit("choose a new password", "public", "/account/reset-password/{reset_token}"),
    Visit("confirm email", "public", "/account/confirm/{confirm_token}"),
    Visit("confirm link not valid", "public", "/account/confirm/not-a-token", status=400),
    Visit("email confirmed", "newcomer", "/account/sign-in", _confirm_an_address),
    Visit("account details", "representative", "/account"),
]
REPRESENTATIVE = [
    Visit("manage home", "representative", "/manage"),
    Visit("new listing", "representative", "/manage/listings/new"),
    Visit("new listing bad submit", "representative", "/manage/listings/new", _press("Save and continue")),
    Visit("step about", "representative", "/manage/listings/{draft}/about"),
    Visit("step legal", "representative", "/manage/listings/{draft}/legal"),
    Visit(
        "step legal bad submit",
        "representative",
        "/manage/listings/{draft}/legal",
        _fill_then_press(
            {"#identifiers-0-scheme": "GB-MPR", "#identifiers-0-value": "not a number"}, "Save and continue"
        ),
    ),
    Visit("step governance", "representative", "/manage/listings/{draft}/governance"),
    Visit(
        "step governance add another",
        "representative",
        "/manage/listings/{draft}/governance",
        _press("Add another member class", refused=False),
    ),
    Visit("step services", "representative", "/manage/listings/{draft}/services"),
    Visit("check your answers", "representative", "/manage/listings/{draft}"),
    Visit("published listing with a change waiting", "representative", "/manage/listings/{published}"),
    Visit("edit a published listing", "representative", "/manage/listings/{published}/legal"),
    Visit("withdraw", "representative", "/manage/listings/{draft}/withdraw"),
    Visit("withdraw bad submit", "representative", "/manage/listings/{draft}/withdraw", _press("Withdraw listing")),
    Visit("conflict", "representative", "/manage/listings/{draft}/about", _edit_after_someone_else),
    Visit("claim search", "representative", "/manage/claim?q=care"),
    Visit("claim", "representative", f"/manage/claim/{UNCLAIMED}"),
    Visit("claim bad submit", "representative", f"/manage/claim/{UNCLAIMED}", _press("Send claim")),
    Visit("claim waiting", "representative", f"/manage/claim/{CLAIMED_BY_SWEEP}"),
    Visit("history", "representative", "/organisations/{published}/history"),
    Visit("no permission", "representative", "/commission", status=403),
]
COMMISSIONER = [
    Visit("commission find", "commissioner", "/commission"),
    Visit(
        "commission find with filters",
        "commissioner",
        "/commission?area=Sheffield&service=hsc-homecare&eligible=meets",
    ),
    Visit("commission find with a profile", "commissioner", "/commission?profile={profile}"),
    Visit("commission overview", "commissioner", "/commission/overview"),
    Visit("profiles", "commissioner", "/commission/profiles"),
    Visit("profile", "commissioner", "/commission/profiles/{profile}"),
    Visit("profile form", "commissioner", "/commission/profiles/new"),
    Visit("profile form bad submit", "commissioner", "/commission/profiles/new", _press("Save profile")),
    Visit("profile edit", "commissioner", "/commission/profiles/{profile}/edit"),
    Visit("profile shared", "commissioner", "/commission/profiles/shared/{share_token}"),
    Visit("shortlists", "commissioner", "/commission/shortlists"),
    Visit("shortlist", "commissioner", "/commission/shortlists/{shortlist}"),
    Visit(
        "compare",
        "commissioner",
        "/commission/shortlists/{shortlist}/compare?" + "&".join(f"org={slug}" for slug in COMPARED),
    ),
    Visit(
        "compare only one",
        "commissioner",
        f"/commission/shortlists/{{shortlist}}/compare?org={COMPARED[0]}",
        status=400,
    ),
    Visit("add to shortlist", "commissioner", f"/commission/organisations/{UNCLAIMED}/shortlist"),
    Visit(
        "add to shortlist bad submit",
        "commissioner",
        f"/commission/organisations/{UNCLAIMED}/shortlist",
        _new_shortlist_without_a_name,
    ),
]
MODERATOR = [
    Visit("moderation queue", "moderator", "/moderate"),
    Visit("listing review", "moderator", "/moderate/listings/{published}"),
    Visit("claim review", "moderator", "/moderate/claims/{claim}"),
    Visit("change request", "moderator", "/moderate/changes/{change}"),
    Visit("change request bad submit", "moderator", "/moderate/changes/{change}", _reject_without_reason),
    Visit("moderator find", "moderator", "/moderate/listings?q=care"),
    Visit("users", "moderator", "/moderate/users"),
    Visit("users bad submit", "moderator", "/moderate/users", _press("Change role")),
    Visit("audit", "moderator", "/moderate/audit"),
    Visit("commissioners", "moderator", "/commission/commissioners"),
    Visit("commissioners bad submit", "moderator", "/commission/commissioners", _press("Make them a commissioner")),
    Visit("history with restore", "moderator", "/organisations/{published}/history"),
    Visit("outbox", "admin", "/moderate/outbox"),
]


def _explanations() -> list[Visit]:
    """One visit per explanation page, while they are being written: whatever the module lists today."""
    try:
        from registry.web.public import explain
    except ImportError:
        return []
    pages = getattr(explain, "EXPLANATIONS", ())
    return [Visit(f"explain {p.slug}", "public", f"/explain/{p.slug}", needs="public.explain") for p in pages]


VISITS = PUBLIC + _explanations() + ACCOUNT + REPRESENTATIVE + COMMISSIONER + MODERATOR


@pytest.fixture(scope="module")
def world(app: Flask, live_server: str) -> Iterator[World]:
    tag = uuid.uuid4().hex[:8]
    emails = {role: f"sweep-{role}-{tag}@sweep.example.org" for role in ROLES}
    with app.app_context():
        for role, value in ROLES.items():
            create_user(db.session, emails[role], PASSWORD, value, site_name=SITE_NAME)
        db.session.commit()
    limiter.reset()
    representative = app.test_client()
    assert sign_in(representative, emails["representative"]).status_code == 302

    number = int(tag, 16) % 800000 + 100000
    names = {"published": f"Sweep Homecare Co-operative {tag}", "draft": f"Sweep Draft Co-operative {tag}"}
    slugs: dict[str, str] = {}
    for offset, (key, name) in enumerate(names.items()):
        legal = {**LEGAL, "identifiers-0-value": f"{number + offset}R"}
        slugs[key] = register(representative, about={**ABOUT, "name": name}, legal=legal)
    submit(representative, slugs["published"])
    with app.app_context():
        # Approved through the service, not the decision form, so the pages below are the only ones the sweep
        # depends on rendering.
        session = db.session
        published = session.scalars(select(Organisation).where(Organisation.slug == slugs["published"])).one()
        waiting = session.scalars(select(ChangeRequest).where(ChangeRequest.organisation_id == published.id)).one()
        moderator_user = session.scalars(select(User).where(User.email == emails["moderator"])).one()
        approve_change_request(session, waiting, moderator_user, manage_url="/manage", listing_url="/organisations")
        session.commit()
    # A change to a verified fact waits for a moderator: the change request page.
    legal = {**LEGAL, "identifiers-0-value": f"{number}R", "legal_form": "community_benefit_society"}
    assert post_step(representative, f"/manage/listings/{slugs['published']}/legal", legal).status_code == 302
    claim_page = f"/manage/claim/{CLAIMED_BY_SWEEP}"
    claim = {"role_at_organisation": "Director", "evidence": "Listed as a director at Companies House."}
    assert post_form(representative, claim_page, claim).status_code == 302

    with app.app_context():
        session = db.session
        users = {role: session.scalars(select(User).where(User.email == email)).one() for role, email in emails.items()}
        published = session.scalars(select(Organisation).where(Organisation.slug == slugs["published"])).one()
        change = session.scalars(
            select(ChangeRequest).where(
                ChangeRequest.organisation_id == published.id, ChangeRequest.status == "pending"
            )
        ).one()
        claimed = session.scalars(select(Organisation).where(Organisation.slug == CLAIMED_BY_SWEEP)).one()
        claim_row = session.scalars(
            select(Claim).where(Claim.organisation_id == claimed.id, Claim.status == "pending")
        ).first()
        assert claim_row is not None
        shortlist = create_shortlist(session, users["commissioner"], f"Sweep shortlist {tag}")
        for slug in COMPARED:
            org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
            add_to_shortlist(session, shortlist, org, "Worth a call")
        profile = create_profile(
            session,
            users["commissioner"],
            f"Sweep profile {tag}",
            {"preferred-provider/PP-T2-INVESTOR-CAP": {"max_vote_pct": 20.0}},
        )
        session.flush()
        share_token = share_profile(profile)
        session.commit()
        tokens = Tokens(app.config["SECRET_KEY"])
        unconfirmed = create_user(
            session, f"sweep-new-{tag}@sweep.example.org", PASSWORD, Role.REPRESENTATIVE, site_name=SITE_NAME
        )
        unconfirmed.email_confirmed_at = None
        session.commit()
        ids = {
            "published": slugs["published"],
            "draft": slugs["draft"],
            "draft_name": names["draft"],
            "change": str(change.id),
            "claim": str(claim_row.id),
            "shortlist": str(shortlist.id),
            "profile": str(profile.id),
            "share_token": share_token,
            "reset_token": tokens.reset(users["admin"]),
            "confirm_token": tokens.confirmation(unconfirmed),
        }
    yield World(app, emails, ids, representative)

    with app.app_context():
        session = db.session
        orgs = session.scalars(select(Organisation).where(Organisation.slug.in_(list(slugs.values())))).all()
        for org in orgs:
            org.status = "withdrawn"
        reindex(session, orgs)
        session.commit()


@pytest.fixture(scope="module")
def rendered_templates(app: Flask) -> Iterator[set[str]]:
    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        RENDERED.add(template.name)

    template_rendered.connect(record, app)
    yield RENDERED
    template_rendered.disconnect(record, app)


@pytest.fixture(scope="module")
def pages(browser: Any, live_server: str, world: World, rendered_templates: set[str]) -> Iterator[dict[str, Any]]:
    """One browser context per audience, signed in once; each page collects the browser's errors."""
    contexts = []
    by_role: dict[str, Any] = {}
    for role in ["public", "newcomer", *ROLES]:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error, page=page: page.errors.append(str(error)))
        page.on("console", lambda message, page=page: _console_error(page, message))
        if role in ROLES:
            limiter.reset()
            page.goto(live_server + "/account/sign-in")
            page.get_by_label("Email address").fill(world.emails[role])
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            with page.expect_navigation():
                page.locator("main").get_by_role("button", name="Sign in").click()
            assert page.locator("h1").inner_text() != "Sign in", f"{role} could not sign in"
        by_role[role] = page
    yield by_role
    for context in contexts:
        context.close()


def _console_error(page: Any, message: Any) -> None:
    # An error page (a 400 after a bad submit, a 404) logs its own status: that is not a fault.
    if message.type != "error":
        return
    if "the server responded with a status of" in message.text and message.location.get("url") == page.url:
        return
    page.errors.append(f"{message.text} ({message.location.get('url')})")


# Every visit in English at both widths; and every page in Welsh at the narrow width, where Welsh's longer words
# would first break a layout. Welsh visits open the page as it is (their submits in Welsh are the journeys of
# test_welsh_journeys.py and each area's tests/integration/test_welsh_*.py).
CASES = [(visit, width, "en") for visit in VISITS for width in WIDTHS] + [
    (visit, "375", "cy") for visit in VISITS if visit.then is None
]


@pytest.mark.parametrize(
    ("visit", "width", "language"),
    CASES,
    ids=[f"{visit.name.replace(' ', '-')}-{width}-{language}" for visit, width, language in CASES],
)
def test_page_has_no_axe_violations(
    app: Flask, pages: dict[str, Any], live_server: str, world: World, visit: Visit, width: str, language: str
) -> None:
    if language == "en":
        SWEPT.add(f"{visit.name} {width}")
    if visit.needs and visit.needs not in app.view_functions:
        pytest.skip(f"{visit.needs} is not built yet")
    limiter.reset()
    page = pages[visit.role]
    page.errors.clear()
    page.set_viewport_size(WIDTHS[width])
    # The language is asked for on the address, so the cookie follows it for the forms the visit then submits.
    path = world.url(visit.path)
    response = page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
    if visit.then is None:
        assert response.status == visit.status, f"{visit.path} answered {response.status}"
    else:
        assert response.status == 200, f"{visit.path} answered {response.status}"
        visit.then(page, world)
    assert page.locator("h1").count() == 1, f"{page.url} has {page.locator('h1').count()} h1 elements"
    if not visit.path.startswith("/account/sign-in"):
        with speaking(language):
            sign_in = gettext("Sign in")
        assert page.locator("h1").inner_text() != sign_in, f"{page.url} asked {visit.role} to sign in"
    report = axe_violations_report(page, best_practice_rules=["region"])
    assert not report, f"{visit.name} ({page.url}) at {width} px as {visit.role}:\n{report}"
    overflow = page.evaluate(SIDEWAYS_SCROLL)
    assert not overflow, f"{visit.name} ({page.url}) scrolls sideways at {width} px (WCAG 1.4.10 Reflow): {overflow}"
    assert not page.errors, f"the browser reported errors on {page.url}: {page.errors}"
    assert page.locator("html").get_attribute("lang") == language, f"{page.url} is not in {language}"
    if language == "cy":
        left = english_left(page.content())
        assert not left, f"{visit.name} ({page.url}) has English left in Welsh: {left[:8]}"


# The page must not scroll sideways (WCAG 1.4.10 Reflow): a wide table scrolls inside its own region instead.
# When it does, the answer names how far and the outermost elements that stick out past the viewport's edge.
SIDEWAYS_SCROLL = """() => {
  const root = document.documentElement;
  const extra = root.scrollWidth - root.clientWidth;
  if (extra <= 0) return "";
  const outside = (element) => element.getBoundingClientRect().right > root.clientWidth + 0.5;
  // An element widens the page unless a box that scrolls or clips holds it: for an absolutely positioned one (a
  // visually hidden label, say) only its containing block and that block's ancestors hold it.
  const escapes = (element) => {
    if (!outside(element)) return false;
    const absolute = ["absolute", "fixed"].includes(getComputedStyle(element).position);
    let box = absolute ? element.offsetParent : element.parentElement;
    for (; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return false;
    }
    return true;
  };
  const names = [];
  for (const element of document.querySelectorAll("body *")) {
    if (!escapes(element) || (element.parentElement && escapes(element.parentElement))) continue;
    const id = element.id ? "#" + element.id : "";
    const classes = [...element.classList].map((name) => "." + name).join("");
    names.push(`${element.tagName.toLowerCase()}${id}${classes} "${element.textContent.trim().slice(0, 40)}"`);
    if (names.length === 5) break;
  }
  return `${extra} px wider than the window; sticking out: ${names.join(", ")}`;
}"""


def _endpoint(app: Flask, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path.split("?")[0], method="GET")
    except RequestRedirect as redirect:
        endpoint, _ = adapter.match(redirect.new_url.split("localhost", 1)[1], method="GET")
    except MethodNotAllowed:  # pragma: no cover - a visit to a POST-only address is a mistake in VISITS
        raise AssertionError(f"{path} is not a GET page") from None
    return str(endpoint)


def test_every_html_page_is_swept(app: Flask) -> None:
    """Every GET route is a visited page or named in NOT_PAGES with why it is not one."""
    placeholders = {
        "published": "x",
        "draft": "x",
        "change": "1",
        "claim": "1",
        "shortlist": "1",
        "profile": "1",
        "share_token": "x",
        "reset_token": "x",
        "confirm_token": "x",
    }
    visited = {_endpoint(app, v.path.format(**placeholders)) for v in VISITS}
    get_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.rule.startswith(NOT_PAGE_PATHS)
    }
    excluded = set(NOT_PAGES) | {e for e in get_routes if e.startswith(tuple(NOT_PAGE_PREFIXES))}
    missed = sorted(get_routes - visited - excluded)
    assert not missed, f"GET pages the accessibility sweep does not visit (add a Visit or a NOT_PAGES reason): {missed}"
    stale = sorted(set(NOT_PAGES) - get_routes)
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"


def test_every_explanation_page_linked_from_the_index_is_swept(
    app: Flask, pages: dict[str, Any], live_server: str
) -> None:
    if "public.explain_index" not in app.view_functions:
        pytest.skip("the explanation pages are not built yet")
    page = pages["public"]
    page.goto(live_server + "/explain")
    linked = set(
        page.eval_on_selector_all("main a[href^='/explain/']", "links => links.map(a => a.getAttribute('href'))")
    )
    swept = {v.path for v in VISITS if v.path.startswith("/explain/")}
    assert linked <= swept, f"explanation pages not swept: {sorted(linked - swept)}"


def test_every_page_template_was_rendered_by_the_sweep(app: Flask) -> None:
    """Run last: every page template (not a partial, a component or a frame) was a page the sweep checked."""
    if len(SWEPT) < len(VISITS) * len(WIDTHS):
        pytest.skip("only part of the sweep ran")
    root = Path(app.root_path) / "templates"
    templates = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.html")
        if not path.name.startswith("_") and "components" not in path.parts
    }
    missed = sorted(templates - RENDERED - set(NOT_PAGE_TEMPLATES))
    assert not missed, f"page templates the sweep never rendered (add a Visit or a NOT_PAGE_TEMPLATES reason): {missed}"
