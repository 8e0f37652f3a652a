"""End-to-end fixtures: the app served by a real HTTP server in a thread, and Debian's Chromium driven by
Playwright (never a downloaded browser), checked for accessibility by tests.support.accessibility."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.app import build_test_app, dispose_test_app
from tests.support.database import scratch_database

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# When the browser drops a connection while werkzeug's test server is still sending a static file (a favicon the
# page no longer needs), the server thread leaves the file to the garbage collector, whose ResourceWarning then
# surfaces in whichever test runs next. It is the test server's, not the app's: the suite's "error" filter stays
# for everything else.
DROPPED_STATIC_FILE = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io[.]:pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(DROPPED_STATIC_FILE)


def _chromium() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if not found:
        pytest.fail("Debian's chromium is not installed: run .ci/run, or apt-get install chromium")
    return found


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The browser journeys register, publish and remove listings through a real server, so they commit: they
    get a database of their own, and the integration tests' shared database never sees their listings."""
    with scratch_database(database_url, tmp_path_factory.mktemp("e2e-db")) as url:
        app = build_test_app(url, tmp_path_factory)
        yield app
        dispose_test_app(app)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["SERVER_NAME"] = None
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message: Any) -> None:
        # A page a test expects to be an error page (a 404) logs its own status: that is not a fault.
        if message.type != "error":
            return
        if "the server responded with a status of" in message.text and message.location.get("url") == page.url:
            return
        errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"
