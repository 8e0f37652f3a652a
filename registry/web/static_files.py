"""Static files, built once and served precompressed with content-hashed names.

The build copies ``registry/static`` into ``build/static/<fingerprint>/``, giving each file a second name with a
hash of its content (``registry.css`` → ``registry.3f2a1b9c0d1e.css``), rewriting the references between files
(``url(...)`` in CSS, ``import ... from "..."`` in JavaScript modules, NHS.UK frontend's ``/assets/...``) to the
hashed names, and writing Brotli and gzip copies beside each file with WhiteNoise's compressor. The fingerprint
covers every source file and this module's format, so a build is made only when an input changed: ``make`` runs
it (``flask --app registry static build``), gunicorn's master runs it before starting workers, and
``create_app`` runs it too (tests, a fresh clone), finding it already made in all but the first.

WhiteNoise serves the build in front of the Flask app: the Brotli or gzip copy the browser accepts, with
``Vary: Accept-Encoding``, conditional requests, and ``Cache-Control: public, max-age=31536000, immutable`` for a
hashed name (its content can never change under that URL); unhashed names and NHS.UK frontend's ``/assets/``
(which its own CSS names) are cached for an hour. Every ``url_for("static", filename=...)`` gives the hashed
name, and templates use ``static_url(filename)``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.headers import Headers

import click
from flask import Flask, url_for
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parents[1]
SOURCE_DIR = PACKAGE_DIR / "static"
BUILDS_DIR = PACKAGE_DIR.parent / "build" / "static"
# Change when the build's output changes for the same sources (naming, rewriting, compression).
BUILD_FORMAT = "1"
MANIFEST = "manifest.json"
HASHED_MAX_AGE = 365 * 24 * 3600
PLAIN_MAX_AGE = 3600
# Older builds are removed once a day old: a process started before a change (another worker, a test run in
# the same checkout) may still be serving one.
OLD_BUILD_SECONDS = 24 * 3600
# NHS.UK frontend's CSS names its icons at /assets/...; they are in the vendored copy here.
FRONTEND_ASSETS = "vendor/nhsuk/assets"
FRONTEND_ASSETS_URL = "/assets/"

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
_JS_IMPORT = re.compile(r"""((?:\bimport|\bexport\b[^;'"]*?\bfrom|\bfrom)\s*)(['"])(\.{1,2}/[^'"]+)\2""")


@dataclass(frozen=True)
class StaticBuild:
    """One build: its directory and each source file's hashed name (``registry.css`` → ``registry.<hash>.css``)."""

    directory: Path
    hashed: dict[str, str]

    @property
    def hashed_names(self) -> frozenset[str]:
        return frozenset(self.hashed.values())


def build_static(
    source: Path = SOURCE_DIR, builds: Path = BUILDS_DIR, log: Callable[[str], None] | None = None
) -> StaticBuild:
    """The build of ``source``'s current content, made now unless it already exists (then this only reads files)."""
    files = _source_files(source)
    fingerprint = _fingerprint(files)
    directory = builds / fingerprint
    manifest = directory / MANIFEST
    if manifest.is_file():
        return StaticBuild(directory, json.loads(manifest.read_text())["files"])
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{fingerprint}-", dir=builds))
    try:
        hashed = _write_build(files, staging)
        (staging / MANIFEST).write_text(json.dumps({"fingerprint": fingerprint, "files": hashed}, indent=1))
        try:
            staging.rename(directory)
        except OSError:
            # Another process (a second gunicorn worker, a parallel test run) finished the same build first.
            if not manifest.is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if log:
        log(f"Built {len(hashed)} static files into {directory}")
    _remove_old_builds(builds, keep=directory)
    return StaticBuild(directory, hashed)


def _source_files(source: Path) -> dict[str, bytes]:
    return {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(source).parts)
    }


def _fingerprint(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(BUILD_FORMAT.encode())
    for name, content in files.items():
        digest.update(f"\0{name}\0{hashlib.sha256(content).hexdigest()}".encode())
    return digest.hexdigest()[:16]


def _write_build(files: dict[str, bytes], target: Path) -> dict[str, str]:
    """Write each file under its hashed name (references rewritten first), compress those, and link the plain
    names to them, so both are served and each file is compressed once."""
    hashed: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    pending = dict(files)
    while pending:
        ready = {name: content for name, content in pending.items() if _references_ready(name, content, files, hashed)}
        if not ready:  # a reference cycle: leave the rest unrewritten rather than loop
            ready = pending
        for name, content in ready.items():
            rewritten = _rewrite_references(name, content, hashed)
            hashed[name] = _hashed_name(name, rewritten)
            contents[hashed[name]] = rewritten
            del pending[name]
    for name, content in contents.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    compressor = Compressor(quiet=True)
    with ThreadPoolExecutor() as pool:
        compressed = [
            pool.submit(compressor.compress, str(target / name))
            for name in contents
            if compressor.should_compress(name)
        ]
        for future in compressed:
            future.result()
    for name, hashed_name in hashed.items():
        for suffix in ("", ".br", ".gz"):
            variant = target / (hashed_name + suffix)
            if variant.exists():
                _link_or_copy(variant, target / (name + suffix))
    return hashed


def _link_or_copy(existing: Path, new: Path) -> None:
    try:
        os.link(existing, new)
    except OSError:  # a file system without hard links
        shutil.copy2(existing, new)


def _hashed_name(name: str, content: bytes) -> str:
    stem, dot, extension = name.rpartition(".")
    version = hashlib.sha256(content).hexdigest()[:12]
    return f"{stem}.{version}.{extension}" if dot and "/" not in extension else f"{name}.{version}"


def _references(name: str, content: bytes) -> Iterable[tuple[re.Match[str], str]]:
    """Each reference in a CSS or JavaScript file to another file, with the name it resolves to."""
    if name.endswith(".css"):
        pattern, group = _CSS_URL, 2
    elif name.endswith(".js"):
        pattern, group = _JS_IMPORT, 3
    else:
        return
    for match in pattern.finditer(content.decode("utf-8")):
        target = match.group(group)
        if target.startswith(FRONTEND_ASSETS_URL):
            yield match, f"{FRONTEND_ASSETS}/{target.removeprefix(FRONTEND_ASSETS_URL)}"
        elif not re.match(r"^(?:[a-z]+:|/|#)", target):
            yield match, posixpath.normpath(posixpath.join(posixpath.dirname(name), target))


def _references_ready(name: str, content: bytes, files: dict[str, bytes], hashed: dict[str, str]) -> bool:
    return all(target in hashed or target not in files for _, target in _references(name, content))


def _rewrite_references(name: str, content: bytes, hashed: dict[str, str]) -> bytes:
    text = None
    for match, target in reversed(list(_references(name, content))):
        if target not in hashed:
            continue
        text = text if text is not None else content.decode("utf-8")
        group = 2 if name.endswith(".css") else 3
        start, end = match.span(group)
        text = text[:start] + _relative_url(name, hashed[target]) + text[end:]
    return content if text is None else text.encode("utf-8")


def _relative_url(name: str, target: str) -> str:
    relative = posixpath.relpath(target, posixpath.dirname(name) or ".")
    return relative if relative.startswith("../") else f"./{relative}"


def _remove_old_builds(builds: Path, keep: Path) -> None:
    now = time.time()
    for path in builds.iterdir():
        if path.is_dir() and path != keep and now - path.stat().st_mtime > OLD_BUILD_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


class _StaticFiles(WhiteNoise):
    """WhiteNoise with this registry's cache headers, and a hashed name recognised from the build's manifest."""

    def __init__(self, application: Any, build: StaticBuild) -> None:
        self.immutable_urls = {f"/static/{name}" for name in build.hashed_names} | {
            f"{FRONTEND_ASSETS_URL}{name.removeprefix(FRONTEND_ASSETS + '/')}"
            for name in build.hashed_names
            if name.startswith(FRONTEND_ASSETS + "/")
        }
        super().__init__(
            application,
            max_age=PLAIN_MAX_AGE,
            allow_all_origins=False,
            mimetypes={".geojson": "application/geo+json"},
            add_headers_function=_add_security_headers,
        )
        self.add_files(str(build.directory), prefix="static/")
        self.add_files(str(build.directory / FRONTEND_ASSETS), prefix=FRONTEND_ASSETS_URL)
        self.files.pop(f"/static/{MANIFEST}", None)

    def immutable_file_test(self, path: str, url: str) -> bool:
        return url in self.immutable_urls

    def add_cache_headers(self, headers: Headers, path: str, url: str) -> None:
        if self.immutable_file_test(path, url):
            headers["Cache-Control"] = f"public, max-age={HASHED_MAX_AGE}, immutable"
        else:
            headers["Cache-Control"] = f"public, max-age={PLAIN_MAX_AGE}"


def _add_security_headers(headers: Headers, path: str, url: str) -> None:
    # Static answers never reach the app's after_request hooks (registry.web.security); a browser must still not
    # guess another type than the one declared.
    headers["X-Content-Type-Options"] = "nosniff"


def static_url(filename: str) -> str:
    """A static file's URL under its content-hashed name, cacheable for a year (``url_for`` gives the same)."""
    return url_for("static", filename=filename)


def init_app(app: Flask) -> None:
    """Build the static files if they changed, serve them in front of the app, and hash every static URL."""
    build = build_static(log=app.logger.info)
    app.extensions["registry.static"] = build
    app.wsgi_app = _StaticFiles(app.wsgi_app, build)  # type: ignore[method-assign]

    @app.url_defaults
    def hashed_static_name(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in build.hashed:
            values["filename"] = build.hashed[values["filename"]]

    app.add_template_global(static_url)
    app.cli.add_command(static_command)


@click.group("static", help="The static files' build.")
def static_command() -> None:
    pass


@static_command.command("build")
def build_command() -> None:
    """Make the content-hashed, precompressed build of registry/static (nothing to do when it is current)."""
    build = build_static(log=click.echo)
    click.echo(f"Static files: {len(build.hashed)} in {build.directory}")
