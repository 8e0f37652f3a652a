"""Benchmark search at 1,500, 15,000 and 150,000 synthetic listings, in-process and over HTTP.

Builds (or reuses, when present and of the right size) one database per size: SQLite files under
bench/out/, and with --postgres databases registry_bench_1500 etc. on the local PostgreSQL. Each is migrated
with Alembic, given the reference vocabularies, the whole gazetteer (or --gazetteer-areas) and synthetic
listings (bench/synthetic.py). Then it times two kinds of search:

  text      free text (service words, town names, typos, and "care" or "synthetic" that match most listings),
            half of them with one or two facet filters (legal form, region, service group, verdict, member kind)
  radius    25 km around a random postcode (postcodes are where people live), based there or serving it

first in-process through ``search_listings`` (a new session per search, as per request; the facet labels
read once, as the app caches them), then over HTTP
through /api/v1/organisations served by gunicorn on 127.0.0.1 with gunicorn.conf.py (gthread workers of 2 threads
each; 2 workers unless --workers), one client at a time.
Prints size, database, kind, median, p95 and max. Targets: 30 ms median and 80 ms p95 in-process at 150,000.

    .venv/bin/python bench/bench_search.py                          # SQLite, all three sizes
    .venv/bin/python bench/bench_search.py --postgres               # SQLite and PostgreSQL
    .venv/bin/python bench/bench_search.py --sizes 1500 --searches 100 --no-http
    .venv/bin/python bench/bench_search.py --postgres --clean       # drop the databases and files, then exit

Prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from synthetic import OUT_DIR, REPO_ROOT, Geography, Vocabulary

from registry.domain.paging import PageRequest
from registry.domain.search_query import SearchQuery
from registry.extensions import db
from registry.models import Organisation
from registry.services import search_text, text_postings
from registry.services.gazetteer.sources import ons_source_letters
from registry.services.gazetteer.status import gazetteer_status
from registry.services.search import matching_listings, search_listings
from registry.services.search_facets import facet_labels

SIZES = (1_500, 15_000, 150_000)
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
TEXT_TERMS = [
    "homecare",
    "home care",
    "care",
    "nursing",
    "mental health",
    "wellbeing",
    "carers",
    "family support",
    "supported living",
    "social prescribing",
    "community health",
    "co-operative",
    "cic",
    "physiotherapy",
    "learning disability",
    "synthetic",
    "homecre",
    "wellbeeing",
    "befriending",
    "dementia",
    "health visiting",
]
FACET_CHOICES = {
    "legal_form": ["co_operative_society", "community_interest_company", "cic_clg", "community_benefit_society"],
    "service": ["hsc-adult-social-care", "hsc-mental-health", "hsc-community-health", "hsc-homecare"],
    "eligible": ["meets", "needs_information"],
    "member_kind": ["staff", "service_user"],
}


@dataclass
class Target:
    size: int
    dialect: str
    url: str


def targets(sizes: list[int], postgres: bool, postgres_server: str) -> list[Target]:
    found = [Target(size, "sqlite", f"sqlite:///{OUT_DIR / f'search-{size}.db'}") for size in sizes]
    if postgres:
        found += [Target(size, "postgresql", f"{postgres_server}/registry_bench_{size}") for size in sizes]
    return found


# ---------------------------------------------------------------------------------------------------
# Databases


def _server_engine(url: str) -> sa.Engine:
    server = sa.make_url(url).set(database="postgres")
    return sa.create_engine(server, isolation_level="AUTOCOMMIT")


def database_exists(target: Target) -> bool:
    if target.dialect == "sqlite":
        return Path(sa.make_url(target.url).database or "").exists()
    name = sa.make_url(target.url).database
    engine = _server_engine(target.url)
    with engine.connect() as connection:
        found = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    engine.dispose()
    return bool(found)


def synthetic_count(target: Target) -> tuple[int, str] | None:
    """Listings in the database (all synthetic) and what its gazetteer holds; None when it is not built."""
    if not database_exists(target):
        return None
    engine = sa.create_engine(target.url)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            if "organisation" not in tables or "gazetteer_build" not in tables:
                return None
            real = connection.scalar(sa.select(sa.func.count()).where(Organisation.provenance != synthetic.SYNTHETIC))
            if real:
                raise synthetic.NotASyntheticDatabase(f"{target.url} holds {real:,} listings that are not synthetic")
            count = connection.scalar(sa.select(sa.func.count()).select_from(Organisation)) or 0
            letters = connection.scalar(sa.text("SELECT letters FROM gazetteer_build ORDER BY id DESC LIMIT 1"))
            return count, letters or ""
    finally:
        engine.dispose()


def drop_database(target: Target) -> None:
    """Remove a benchmark database; refuses one that holds listings that are not synthetic."""
    if database_exists(target):
        synthetic_count(target)
    if target.dialect == "sqlite":
        path = Path(sa.make_url(target.url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _load_report_path(target).unlink(missing_ok=True)
        return
    name = sa.make_url(target.url).database
    engine = _server_engine(target.url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
    _load_report_path(target).unlink(missing_ok=True)


def create_database(target: Target) -> None:
    if target.dialect == "postgresql":
        engine = _server_engine(target.url)
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{sa.make_url(target.url).database}"'))
        engine.dispose()


def _load_report_path(target: Target) -> Path:
    return OUT_DIR / f"load-{target.dialect}-{target.size}.json"


def ensure_database(target: Target, gazetteer_areas: list[str] | None, seed: int) -> dict[str, Any]:
    """Build the target's database unless it already holds exactly ``size`` listings. Returns the load report."""
    found = synthetic_count(target)
    report_path = _load_report_path(target)
    gazetteer = "areas " + ",".join(sorted(a.upper() for a in gazetteer_areas)) if gazetteer_areas else None
    if found is not None and found[0] == target.size and found[1] == (gazetteer or ons_source_letters()):
        synthetic.prepare_database(synthetic.bench_app(target.url), gazetteer_areas)  # migrations since it was built
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
        return {**report, "reused": True}
    drop_database(target)
    create_database(target)
    app = synthetic.bench_app(target.url)
    started = time.perf_counter()
    steps = synthetic.prepare_database(app, gazetteer_areas)
    with app.app_context():
        load = synthetic.load_synthetic_listings(db.session, target.size, seed, progress=True)
        status = gazetteer_status(db.session)
        db.session.remove()
        db.engine.dispose()
    report = {
        "total_seconds": round(time.perf_counter() - started, 1),
        "steps": {key: round(value, 1) for key, value in {**steps, **load.seconds}.items()},
        "published": load.published,
        "verdicts": dict(load.verdicts),
        "gazetteer": status.letters if status else None,
        "reused": False,
    }
    report_path.write_text(json.dumps(report, indent=2))
    return report


# ---------------------------------------------------------------------------------------------------
# The searches


def search_mix(session: Any, count: int, seed: int) -> dict[str, list[dict[str, list[str]]]]:
    """``count`` text searches and ``count`` radius searches, as request arguments."""
    rng = random.Random(seed)
    vocab = Vocabulary.load(session)
    geo = Geography.load(session, vocab.regions)
    towns = sorted({geo.lad_names[lad] for lad in geo.by_lad if lad in geo.lad_names})
    text_searches = []
    for _ in range(count):
        term = rng.choice(TEXT_TERMS) if rng.random() < 0.8 else rng.choice(towns).split(",")[0]
        args: dict[str, list[str]] = {"q": [term]}
        if rng.random() < 0.5:
            for facet in rng.sample([*sorted(FACET_CHOICES), "region"], rng.choice([1, 1, 2])):
                values = sorted(vocab.regions) if facet == "region" else FACET_CHOICES[facet]
                args[facet] = [rng.choice(values)]
        text_searches.append(args)
    radius_searches = [
        {"near": [Geography.display_postcode(geo.pcd[rng.randrange(len(geo.pcd))])], "radius_km": ["25"]}
        for _ in range(count)
    ]
    return {"text": text_searches, "radius": radius_searches}


def as_query(args: dict[str, list[str]]) -> SearchQuery:
    filters = {key: tuple(values) for key, values in args.items() if key not in {"q", "near", "radius_km"}}
    return SearchQuery(
        text=args.get("q", [""])[0],
        near=args.get("near", [""])[0],
        radius_km=float(args.get("radius_km", ["25"])[0]),
        filters=filters,
    )


@dataclass
class Timing:
    kind: str
    where: str
    times_ms: list[float]
    totals: list[int]

    def row(self) -> list[str]:
        ordered = sorted(self.times_ms)
        p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
        return [
            self.kind,
            self.where,
            f"{len(ordered)}",
            f"{statistics.median(ordered):.1f}",
            f"{p95:.1f}",
            f"{ordered[-1]:.1f}",
            f"{statistics.median(self.totals):,.0f}",
        ]


def time_calls(calls: list[Callable[[], int]], warmup: int, time_limit: float) -> tuple[list[float], list[int]]:
    for call in calls[:warmup]:
        call()
    times, totals = [], []
    deadline = time.perf_counter() + time_limit
    for call in calls:
        started = time.perf_counter()
        totals.append(call())
        times.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break
    return times, totals


def check_against_sql(target: Target, mix: dict[str, list[dict[str, list[str]]]], count: int) -> int:
    """Compare the first ``count`` searches of each kind with ``matching_listings`` (the same search as one
    SELECT): the same total and the same first page. Returns how many differed (each is printed)."""
    app = synthetic.bench_app(target.url)
    differ = 0
    with app.app_context():
        for searches in mix.values():
            for args in searches[:count]:
                query = as_query(args)
                found = search_listings(db.session, query, PageRequest(1, 20))
                statement = matching_listings(db.session, query).ids
                expected = list(db.session.scalars(statement.limit(20)))
                total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
                got = [hit.organisation.id for hit in found.page.items]
                if got != expected or found.page.total != total:
                    differ += 1
                    print(
                        f"  differs from SQL: {args}: total {found.page.total} vs {total}; {got[:5]} vs {expected[:5]}"
                    )
                db.session.remove()
        db.engine.dispose()
    return differ


def in_process(
    target: Target, mix: dict[str, list[dict[str, list[str]]]], warmup: int, limit: float, cold: bool = False
) -> list[Timing]:
    app = synthetic.bench_app(target.url)
    results = []
    with app.app_context():
        labels = facet_labels(db.session)  # the app caches them (web/search.py: cached_facet_labels)
        db.session.remove()
        for kind, searches in mix.items():

            def one(args: dict[str, list[str]]) -> Callable[[], int]:
                def call() -> int:
                    found = search_listings(db.session, as_query(args), PageRequest(1, 20), labels=labels)
                    db.session.remove()
                    return found.page.total

                return call

            if kind == "text":
                # Uncached: every search as the first of its words since the index last changed (the kept
                # rankings and vocabulary counts emptied before each; the matches of very common clauses are
                # held per index version, as the facet index is, and brought up to date from the change log);
                # then cached, as repeated searches run. With --cold, also each search as the first of its
                # words in a new process (no clause held either).
                def uncached(args: dict[str, list[str]], forget_clauses: bool = False) -> Callable[[], int]:
                    call = one(args)

                    def first() -> int:
                        search_text.clear_text_cache()
                        if forget_clauses:
                            text_postings.clear_postings()
                        return call()

                    return first

                if cold:
                    calls = [uncached(args, forget_clauses=True) for args in searches]
                    times, totals = time_calls(calls, warmup, limit)
                    results.append(Timing("text, cold", "in-process", times, totals))
                times, totals = time_calls([uncached(args) for args in searches], warmup, limit)
                results.append(Timing("text, uncached", "in-process", times, totals))
                for args in searches:  # every search's words ranked once
                    one(args)()
                times, totals = time_calls([one(args) for args in searches], 0, limit)
                results.append(Timing("text, cached", "in-process", times, totals))
                continue
            times, totals = time_calls([one(args) for args in searches], warmup, limit)
            results.append(Timing(kind, "in-process", times, totals))
        db.engine.dispose()
    return results


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(target: Target, workers: int) -> Iterator[int]:
    """The app under gunicorn on a free loopback port, for as long as the block runs.

    gunicorn reads gunicorn.conf.py from its working directory, the repository, so this serves as ``make serve``
    does (gthread workers of 2 threads each), with ``workers`` workers.
    """
    port = _free_port()
    env = {
        **os.environ,
        "REGISTRY_ENV": "production",
        "REGISTRY_DATABASE_URL": synthetic.absolute_url(target.url),
        "REGISTRY_SECRET_KEY": "benchmark-only-not-a-secret",
        "REGISTRY_INSTANCE_PATH": str(OUT_DIR / "instance"),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "registry:create_app()",
    ]
    log = (OUT_DIR / "gunicorn.log").open("ab")
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def over_http(
    target: Target, mix: dict[str, list[dict[str, list[str]]]], warmup: int, limit: float, workers: int
) -> list[Timing]:
    results = []
    with served(target, workers) as port:

        def one(args: dict[str, list[str]]) -> Callable[[], int]:
            path = "/api/v1/organisations?" + urllib.parse.urlencode(args, doseq=True)

            def call() -> int:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                connection.close()
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
                return int(json.loads(body)["meta"]["total"])

            return call

        for kind, searches in mix.items():
            # Warm every worker: each has its own connections and caches.
            times, totals = time_calls([one(args) for args in searches], warmup * workers, limit)
            results.append(Timing(kind, "HTTP", times, totals))
    return results


# ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="comma-separated listing counts")
    parser.add_argument("--postgres", action="store_true", help="also benchmark PostgreSQL")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER, help=f"default {POSTGRES_SERVER}")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True, help="benchmark SQLite")
    parser.add_argument("--searches", type=int, default=200, help="searches of each kind (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds at most per kind and place")
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True, help="also time over HTTP")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, 2 threads each (default 2)")
    parser.add_argument("--gazetteer-areas", help="build only these postcode areas, like S,DE,LS (default: all)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--check", type=int, default=10, help="compare this many searches of each kind with one SQL SELECT"
    )
    parser.add_argument(
        "--cold", action="store_true", help="also time text searches as each the first of its words in a new process"
    )
    parser.add_argument("--clean", action="store_true", help="drop the benchmark databases and files, then exit")
    args = parser.parse_args()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    chosen = [t for t in targets(sizes, args.postgres, args.postgres_server) if args.sqlite or t.dialect != "sqlite"]
    command = " ".join([".venv/bin/python", *sys.argv])
    if args.clean:
        for target in chosen:
            drop_database(target)
            print(f"dropped {target.url}")
        return
    areas = args.gazetteer_areas.split(",") if args.gazetteer_areas else None

    rows: list[list[str]] = []
    for target in chosen:
        load = ensure_database(target, areas, args.seed)
        how = "reused" if load.get("reused") else "built"
        steps = ", ".join(f"{k} {v:g} s" for k, v in load.get("steps", {}).items())
        print(f"{target.dialect} {target.size:,}: {how}; load {load.get('total_seconds', '?')} s ({steps})", flush=True)
        engine_app = synthetic.bench_app(target.url)
        with engine_app.app_context():
            mix = search_mix(db.session, args.searches, args.seed)
            db.session.remove()
            db.engine.dispose()
        if args.check:
            differ = check_against_sql(target, mix, args.check)
            print(f"  {differ} of {2 * args.check} checked searches differ from the SQL SELECT", flush=True)
        timings = in_process(target, mix, args.warmup, args.time_limit, args.cold)
        if args.http:
            timings += over_http(target, mix, args.warmup, args.time_limit, args.workers)
        for timing in timings:
            rows.append([f"{target.size:,}", target.dialect, *timing.row()])
            print("  " + " ".join(rows[-1]), flush=True)

    header = ["listings", "database", "kind", "where", "n", "median ms", "p95 ms", "max ms", "median total"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    print("command:", command)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
