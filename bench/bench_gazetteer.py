"""Benchmark the gazetteer: a full build into a temporary SQLite file, then postcode lookups.

Run from the repository root:

    .venv/bin/python bench/bench_gazetteer.py                 # full build, then 10,000 lookups
    .venv/bin/python bench/bench_gazetteer.py --letters S     # a quicker partial build
    .venv/bin/python bench/bench_gazetteer.py --database /tmp/gazetteer.db --skip-build

Prints figures; it asserts nothing. Targets: build 90 s or less on a 2-core machine, lookup 1 ms median.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

# Run as a script, Python puts bench/ on the path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry import create_app
from registry.extensions import db
from registry.models.gazetteer import Postcode
from registry.services.gazetteer.build import build_gazetteer
from registry.services.gazetteer.lookup import resolve_place
from registry.services.gazetteer.status import gazetteer_status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, help="SQLite file to use (default: a new temporary file)")
    parser.add_argument("--letters", help="build only postcodes starting with these letters")
    parser.add_argument("--skip-build", action="store_true", help="use the gazetteer already in --database")
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory(prefix="bench-gazetteer-")
    path = args.database or Path(workdir.name) / "gazetteer.db"
    app = create_app(
        {
            "ENV_NAME": "test",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "benchmark",
        }
    )
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, SQLite {path}")

    with app.app_context():
        db.create_all()
        if not args.skip_build:
            started = time.perf_counter()
            status = build_gazetteer(db.session, letters=args.letters, progress=True)
            elapsed = time.perf_counter() - started
            print(
                f"build: {elapsed:.1f} s wall ({status.build_seconds:.1f} s inside build_gazetteer) for "
                f"{status.postcode_count:,} postcodes, {status.outcode_count:,} districts, "
                f"{status.sector_count:,} sectors, {status.local_authority_count:,} local authorities, "
                f"{status.place_count:,} towns; database {path.stat().st_size / 1e6:.0f} MB"
            )
        elif gazetteer_status(db.session) is None:
            sys.exit(f"No gazetteer in {path}: run without --skip-build")

        keys = list(
            db.session.scalars(
                select(Postcode.pcd).where(Postcode.latitude.is_not(None), Postcode.terminated.is_(False))
            )
        )
        sample = random.Random(args.seed).sample(keys, min(args.lookups, len(keys)))
        db.session.remove()
        for key in sample[:200]:  # warm the page cache and the statement cache
            resolve_place(db.session, key)
        timings = []
        for key in sample:
            started = time.perf_counter()
            resolve_place(db.session, key)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"resolve_place on {len(timings):,} random postcodes: median {statistics.median(timings):.3f} ms, "
            f"p95 {p95:.3f} ms, max {timings[-1]:.3f} ms"
        )
        db.session.remove()
        db.engine.dispose()
    workdir.cleanup()


if __name__ == "__main__":
    main()
