"""``/data``: bulk downloads of every published listing (CSV, JSON) and the licences they come under."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Response, render_template

from registry.extensions import db
from registry.services import open_data
from registry.web.links import public_url
from registry.web.operations import streamed
from registry.web.public import bp

# Each download's writer and media type, by the file's extension.
DOWNLOADS = {
    "csv": (open_data.csv_chunks, "text/csv; charset=utf-8"),
    "json": (open_data.json_document, "application/json"),
}


def _listing_url(slug: str) -> str:
    return public_url("public.listing", slug=slug)


def _download(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    # The first chunk is made before the answer starts; a failure after that drops the connection (operations).
    response = Response(streamed(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Link"] = f'<{public_url("public.data_licence")}>; rel="license"'
    return response


@bp.get("/data")
def data() -> str:
    return render_template(
        "public/data.html",
        count=open_data.published_count(db.session()),
        licence=open_data.licence_summary(),
        sources=open_data.DATA_SOURCES,
    )


@bp.get("/data/listings.csv")
def data_csv() -> Response:
    return _all_listings("csv")


@bp.get("/data/listings.json")
def data_json() -> Response:
    return _all_listings("json")


def _all_listings(kind: str) -> Response:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    session = db.session()
    ids = open_data.published_listing_ids(session)  # before the answer starts: an outage here is a 503
    writer, mimetype = DOWNLOADS[kind]
    return _download(writer(session, _listing_url, ids), mimetype, f"health-care-mutuals-listings-{stamp}.{kind}")


@bp.get("/data/licence.txt")
def data_licence() -> Response:
    return Response(open_data.licence_note(), mimetype="text/plain; charset=utf-8")
