"""Benchmark the commissioners' exports: 10,000 synthetic listings, target under 5 seconds for the CSV.

Builds (or reuses, when it already holds the right number of listings) a database of its own with synthetic
listings from bench/synthetic.py, then times exporting every published listing three ways:

  service   the CSV in words (``exports.csv_in_words``) over ``matching_listings`` for an empty search,
            consumed in-process
  http      GET /commission/results.csv through the app (a commissioner signed in with the test client),
            reading the streamed body to the end
  xlsx      the Excel workbook (``exports.xlsx_file``, with its sheets of child rows), consumed in-process

Each is run --repeat times; the best and median are printed (wall-clock and CPU time, which a busy machine does
not inflate) with the rows and megabytes written, and how much the process's peak memory grew during each kind
(it stays flat when an export is streamed: a batch of listings at a time).

    .venv/bin/python bench/bench_export.py                       # 10,000 listings in bench/out/export-10000.db
    .venv/bin/python bench/bench_export.py --count 2000 --repeat 5
    .venv/bin/python bench/bench_export.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/registry_bench_export

Prints figures; exits 1 when the median HTTP export of the given count takes 5 s or more.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from synthetic import (  # noqa: E402
    OUT_DIR,
    bench_app,
    check_synthetic_only,
    load_synthetic_listings,
    prepare_database,
)

from registry.domain.search_query import SearchQuery  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.models import Role, User  # noqa: E402
from registry.services.accounts import create_user  # noqa: E402
from registry.services.exports import ExportRequest, csv_in_words, xlsx_file  # noqa: E402
from registry.services.search import matching_listings  # noqa: E402

TARGET_SECONDS = 5.0
BENCH_EMAIL = "bench-commissioner@example.org"
BENCH_PASSWORD = "sparrow lantern quiet ribbon"  # noqa: S105 (a throwaway account in a benchmark database)
DEFAULT_AREAS = "S,DE,LS,M,B,BS,NE,CF,EH,BT,NR,PL,SW,E"


def create_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist yet (SQLite creates its file)."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
            print(f"created the PostgreSQL database {parsed.database}")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="synthetic listings (default 10,000)")
    parser.add_argument("--database-url", help="default: sqlite:///bench/out/export-COUNT.db")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gazetteer-areas", default=DEFAULT_AREAS, help=f"postcode areas (default {DEFAULT_AREAS})")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT_DIR / f'export-{args.count}.db'}"
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    create_postgres_database(url)

    app = bench_app(url)
    app.config["SERVER_NAME"] = "registry.example"
    app.config["TRUSTED_HOSTS"] = ["registry.example"]  # the test client's requests name SERVER_NAME
    for step, seconds in prepare_database(app, args.gazetteer_areas.split(",")).items():
        print(f"{step}: {seconds:.1f} s")
    with app.app_context():
        have = check_synthetic_only(db.session)
        if have < args.count:
            started = time.perf_counter()
            load_synthetic_listings(db.session, args.count - have, progress=False)
            print(f"added {args.count - have:,} synthetic listings in {time.perf_counter() - started:.1f} s")
        elif have > args.count:
            print(f"the database holds {have:,} listings; give --count {have} or another --database-url")
            return 2
        if db.session.query(User).filter_by(email=BENCH_EMAIL).first() is None:
            create_user(db.session, BENCH_EMAIL, BENCH_PASSWORD, Role.COMMISSIONER, site_name=app.config["SITE_NAME"])
            db.session.commit()
        db.session.remove()

    times: dict[str, list[float]] = {"service": [], "http": [], "xlsx": []}
    cpu_times: dict[str, list[float]] = {name: [] for name in times}
    peak_growth = dict.fromkeys(times, 0)
    rows = size = xlsx_size = 0

    def export_request() -> ExportRequest:
        ids = matching_listings(db.session(), SearchQuery()).ids
        return ExportRequest(ids=ids, listing_url=lambda slug: f"https://registry.example/organisations/{slug}")

    def timed(name: str, started: float, cpu: float, peak: int) -> None:
        times[name].append(time.perf_counter() - started)
        cpu_times[name].append(time.process_time() - cpu)
        peak_growth[name] = max(peak_growth[name], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak)

    for _ in range(args.repeat):
        with app.test_request_context():
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started, cpu = time.perf_counter(), time.process_time()
            body = "".join(csv_in_words(db.session(), export_request()))
            timed("service", started, cpu, peak)
            rows = body.count("\r\n") - 1
            del body
            db.session.remove()

        client = app.test_client()
        with app.app_context():
            from tests.support.accounts import csrf_token_from

            token = csrf_token_from(client.get("/account/sign-in"))
        signed_in = client.post(
            "/account/sign-in", data={"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.status_code
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/commission/results.csv")
        size = sum(len(chunk) for chunk in response.response)
        timed("http", started, cpu, peak)
        assert response.status_code == 200, response.status_code

        with app.test_request_context():
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started, cpu = time.perf_counter(), time.process_time()
            xlsx_size = sum(len(chunk) for chunk in xlsx_file(db.session(), export_request()))
            timed("xlsx", started, cpu, peak)
            db.session.remove()

    print(f"listings exported: {rows:,} rows, {size / 1e6:.1f} MB of CSV, {xlsx_size / 1e6:.1f} MB of Excel")
    for name in times:
        print(
            f"{name:8} best {min(times[name]):.2f} s, median {statistics.median(times[name]):.2f} s over "
            f"{len(times[name])} runs (CPU time median {statistics.median(cpu_times[name]):.2f} s; "
            f"peak memory grew {peak_growth[name] / 1024:.0f} MB)"
        )
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > cores:
        print(f"note: load average {load:.1f} on {cores} cores while measuring; wall times include waiting for a CPU")
    median = statistics.median(times["http"])
    verdict = "under" if median < TARGET_SECONDS else "OVER"
    figure = f"CSV export of {args.count:,} listings over HTTP: {median:.2f} s median"
    print(f"{figure}, {verdict} the {TARGET_SECONDS:g} s target")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
