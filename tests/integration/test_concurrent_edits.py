"""Concurrent saves (issue 14, item 3): on SQLite, three saves to three listings at once answered 503 for two of
them ("database is locked" after about 50 ms, far inside the busy timeout), because a transaction begun with a
plain BEGIN that later writes cannot wait for the write lock. Writes now begin IMMEDIATE and wait their turn.
Ten representatives save ten different listings at the same moment through a real threaded server: every save
succeeds, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from registry.extensions import db
from registry.models import Membership, Organisation, Role
from registry.services.accounts import create_user
from tests.support.accounts import PASSWORD
from tests.support.app import build_test_app, dispose_test_app
from tests.support.database import scratch_database
from tests.support.registration import ABOUT, hidden_value

EDITORS = 10


@pytest.fixture(scope="module")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """A database of its own (this test commits), served by a threaded server as in production."""
    with scratch_database(database_url, tmp_path_factory.mktemp("concurrent-db")) as url:
        app = build_test_app(url, tmp_path_factory)
        app.config.update(RATELIMIT_ENABLED=False)
        with app.app_context():
            listings = db.session.scalars(select(Organisation).order_by(Organisation.id).limit(EDITORS)).all()
            assert len(listings) == EDITORS
            for number, org in enumerate(listings):
                user = create_user(
                    db.session, f"editor{number}@example.org", PASSWORD, Role.REPRESENTATIVE, site_name="Registry"
                )
                db.session.add(Membership(user=user, organisation=org))
            db.session.commit()
            slugs = [org.slug for org in listings]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        app.config["SERVER_NAME"] = None
        app.config["slugs"] = slugs
        try:
            yield app, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            dispose_test_app(app)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's browser: cookies kept, redirects not followed (a 302 is the answer we check)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=body), timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def form(self, path: str) -> dict[str, str]:
        status, html = self.request(path)
        assert status == 200, (path, status, html[:300])
        return {"csrf_token": hidden_value(html, "csrf_token") or "", "version": hidden_value(html, "version") or ""}

    def sign_in(self, email: str) -> None:
        status, _ = self.request(
            "/account/sign-in", {**self.form("/account/sign-in"), "email": email, "password": PASSWORD}
        )
        assert status == 302


def test_ten_representatives_saving_ten_listings_at_once_all_succeed(served: tuple[Flask, str]) -> None:
    app, base = served
    slugs: list[str] = app.config["slugs"]
    browsers = [Browser(base) for _ in slugs]
    forms = []
    for number, (browser, slug) in enumerate(zip(browsers, slugs, strict=True)):
        browser.sign_in(f"editor{number}@example.org")
        forms.append(browser.form(f"/manage/listings/{slug}/about"))

    start = threading.Barrier(len(browsers))
    answers: dict[str, int] = {}

    def save(browser: Browser, slug: str, form: dict[str, str]) -> None:
        data = {
            **form,
            **{key: ABOUT[key] for key in ("description", "founded", "origin", "employees", "members")},
            "name": dict(zip(slugs, names, strict=True))[slug],
            "action": "continue",
            "description": f"Saved at the same moment as nine others ({slug}).",
        }
        start.wait()
        answers[slug], _ = browser.request(f"/manage/listings/{slug}/about", data)

    with app.app_context():
        names = [db.session.scalars(select(Organisation.name).where(Organisation.slug == s)).one() for s in slugs]
    threads = [
        threading.Thread(target=save, args=(browser, slug, form))
        for browser, slug, form in zip(browsers, slugs, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert answers == dict.fromkeys(slugs, 302)
    with app.app_context():
        saved = db.session.scalars(select(Organisation.description).where(Organisation.slug.in_(slugs))).all()
    assert sorted(saved) == sorted(f"Saved at the same moment as nine others ({slug})." for slug in slugs)
