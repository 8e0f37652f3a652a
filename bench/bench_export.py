"""Benchmark the commissioners' CSV export: 10,000 synthetic listings, target under 5 seconds.

Builds (or reuses, when it already holds the right number of listings) a database of its own with synthetic
listings from bench/synthetic.py, then times exporting every published listing as CSV two ways:

  service   ``exports.csv_lines`` over ``matching_listings`` for an empty search, consumed in-process
  http      GET /commission/results.csv through the app (a commissioner signed in with the test client),
            reading the streamed body to the end

Each is run --repeat times; the best and median are printed with the rows and megabytes written.

    .venv/bin/python bench/bench_export.py                       # 10,000 listings in bench/out/export-10000.db
    .venv/bin/python bench/bench_export.py --count 2000 --repeat 5
    .venv/bin/python bench/bench_export.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/registry_bench_export

Prints figures; exits 1 when the median HTTP export of the given count takes 5 s or more.
"""

from __future__ import annotations

import argparse
import os
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
from registry.services.exports import ExportRequest, csv_lines  # noqa: E402
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

    service_times, http_times, service_cpu, http_cpu = [], [], [], []
    rows = size = 0
    for _ in range(args.repeat):
        with app.test_request_context():
            started, cpu = time.perf_counter(), time.process_time()
            ids = matching_listings(db.session(), SearchQuery()).ids
            export = ExportRequest(ids=ids, listing_url=lambda slug: f"https://registry.example/organisations/{slug}")
            body = "".join(csv_lines(db.session(), export))
            service_times.append(time.perf_counter() - started)
            service_cpu.append(time.process_time() - cpu)
            rows = body.count("\r\n") - 1
            db.session.remove()

        client = app.test_client()
        with app.app_context():
            from tests.support.accounts import csrf_token_from

            token = csrf_token_from(client.get("/account/sign-in"))
        signed_in = client.post(
            "/account/sign-in", data={"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.status_code
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/commission/results.csv")
        data = response.get_data()
        http_times.append(time.perf_counter() - started)
        http_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
        size = len(data)

    print(f"listings exported: {rows:,} rows, {size / 1e6:.1f} MB of CSV")
    for name, times, cpu_times in (("service", service_times, service_cpu), ("http", http_times, http_cpu)):
        print(
            f"{name:8} best {min(times):.2f} s, median {statistics.median(times):.2f} s over {len(times)} runs "
            f"(CPU time median {statistics.median(cpu_times):.2f} s)"
        )
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > cores:
        print(f"note: load average {load:.1f} on {cores} cores while measuring; wall times include waiting for a CPU")
    median = statistics.median(http_times)
    verdict = "under" if median < TARGET_SECONDS else "OVER"
    figure = f"CSV export of {args.count:,} listings over HTTP: {median:.2f} s median"
    print(f"{figure}, {verdict} the {TARGET_SECONDS:g} s target")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
