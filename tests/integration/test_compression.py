"""Pages and JSON are compressed as they are sent (Brotli, else gzip); static files were compressed when built, and
are sent under content-hashed names cached for a year."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.web.static_files import build_static

BROWSER = "gzip, deflate, br, zstd"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}
# The NHS.UK frontend stylesheet is 278 KB as published; what a browser fetches of it must stay small.
FRONTEND_CSS_BUDGET = {"br": 30_000, "gzip": 40_000}


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return DECODE[response.headers.get("Content-Encoding")](response.get_data())


@pytest.mark.parametrize(
    ("accept_encoding", "encoding"), [(BROWSER, "br"), ("gzip, deflate", "gzip"), ("", None), ("identity", None)]
)
@pytest.mark.parametrize("path", ["/", "/organisations", "/api/v1/organisations", "/api/v1/rulesets"])
def test_pages_and_json_are_sent_with_brotli_else_gzip_else_as_they_are(
    client: FlaskClient, path: str, accept_encoding: str, encoding: str | None
) -> None:
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = _body(response)
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert body.lstrip().startswith(b"<!DOCTYPE html>" if response.mimetype == "text/html" else b"{")


def test_a_compressed_page_keeps_its_security_headers_and_script_nonce(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Encoding": BROWSER})
    assert response.headers["Content-Encoding"] == "br"
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = _body(response).decode()
    assert re.findall(r"<script[^>]*>", html)
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<script[^>]*>", html))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" not in response.headers.get("Cache-Control", ""), "pages must not be cached for long"


def test_a_tiny_answer_is_not_worth_compressing(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"Accept-Encoding": BROWSER})
    assert "Content-Encoding" not in response.headers
    assert response.json == {"status": "ok"}


@pytest.mark.usefixtures("fresh_rate_limits")
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_download_is_still_streamed_when_compressed(client: FlaskClient, encoding: str) -> None:
    with client.get("/data/listings.csv", headers={"Accept-Encoding": encoding}) as response:
        assert response.status_code == 200
        assert response.is_streamed
        assert response.headers["Content-Encoding"] == encoding
        assert "Content-Length" not in response.headers
        csv = _body(response).decode("utf-8-sig")
    assert csv.startswith("slug,name,")
    assert len(csv.splitlines()) > 50


def _stylesheet_url(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/vendor/nhsuk/nhsuk-frontend\.min\.[0-9a-f]{12}\.css)"', html).group(1)


@pytest.mark.parametrize(("accept_encoding", "encoding"), [(BROWSER, "br"), ("gzip", "gzip"), ("", None)])
def test_static_css_is_sent_precompressed_under_its_hashed_name_cached_for_a_year(
    app: Flask, client: FlaskClient, accept_encoding: str, encoding: str | None
) -> None:
    url = _stylesheet_url(client)
    built = app.extensions["registry.static"].directory / url.removeprefix("/static/")
    with client.get(url, headers={"Accept-Encoding": accept_encoding}) as response:
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "text/css"
        sent = response.get_data()
    # The bytes written at build time, not compressed again for this request.
    suffix = {"br": ".br", "gzip": ".gz", None: ""}[encoding]
    assert sent == Path(f"{built}{suffix}").read_bytes()
    assert DECODE[encoding](sent) == built.read_bytes()
    if encoding:
        assert len(sent) < FRONTEND_CSS_BUDGET[encoding]


def test_a_static_file_already_held_is_not_sent_again(client: FlaskClient) -> None:
    url = _stylesheet_url(client)
    with client.get(url, headers={"Accept-Encoding": BROWSER}) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"Accept-Encoding": BROWSER, "If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.get_data() == b""


def test_the_frontend_icons_its_css_names_are_hashed_too(app: Flask, client: FlaskClient) -> None:
    url = _stylesheet_url(client)
    with client.get(url) as response:
        icons = re.findall(r"url\((\./assets/images/[^)]+)\)", response.get_data(as_text=True))
    assert icons
    assert all(re.search(r"\.[0-9a-f]{12}\.svg$", icon) for icon in icons)
    with client.get(url.rsplit("/", 1)[0] + icons[0].removeprefix("."), headers={"Accept-Encoding": "gzip"}) as icon:
        assert icon.status_code == 200
        assert icon.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # NHS.UK frontend's own address for them still answers.
    with client.get("/assets/images/nhsuk-icon-cross.svg") as plain:
        assert plain.status_code == 200
        assert plain.headers["Cache-Control"] == "public, max-age=3600"


def test_the_build_rewrites_references_and_is_made_only_when_a_file_changes(tmp_path: Path) -> None:
    source, builds = tmp_path / "static", tmp_path / "builds"
    (source / "vendor" / "nhsuk" / "assets" / "images").mkdir(parents=True)
    (source / "vendor" / "nhsuk" / "assets" / "images" / "tick.svg").write_text("<svg></svg>")
    (source / "vendor" / "nhsuk" / "frontend.js").write_text("export const x = 1;\n" * 100)
    (source / "site.css").write_text(
        ".a{background:url(/assets/images/tick.svg)}.b{background:url(data:image/png;base64,AA==)}\n" * 50
    )
    (source / "vendor" / "nhsuk" / "frontend.css").write_text(".c{background:url(assets/images/tick.svg)}")
    (source / "app.js").write_text('import { x } from "./vendor/nhsuk/frontend.js";\nconsole.log(x);\n')

    first = build_static(source, builds)
    css = (first.directory / first.hashed["site.css"]).read_text()
    tick = first.hashed["vendor/nhsuk/assets/images/tick.svg"]
    assert f"url(./{tick})" in css
    assert "url(data:image/png;base64,AA==)" in css
    assert "url(./assets/images/tick." in (first.directory / first.hashed["vendor/nhsuk/frontend.css"]).read_text()
    assert (
        f'from "./{first.hashed["vendor/nhsuk/frontend.js"]}"' in (first.directory / first.hashed["app.js"]).read_text()
    )
    assert (first.directory / (first.hashed["site.css"] + ".br")).is_file()
    assert (first.directory / "site.css.gz").is_file()

    assert build_static(source, builds) == first
    (source / "vendor" / "nhsuk" / "assets" / "images" / "tick.svg").write_text("<svg><path/></svg>")
    second = build_static(source, builds)
    assert second.directory != first.directory
    assert second.hashed["site.css"] != first.hashed["site.css"], "a CSS file's name follows the files it names"
    assert second.hashed["app.js"] == first.hashed["app.js"]
