"""Benchmark: import the whole Co-operatives UK organisations file (8,371 rows, ``--all``) into a fresh database.

A template database is built once and kept (migrations, reference vocabularies and the whole gazetteer, no
listings): ``bench/out/import-template.db``, and with ``--postgres`` the PostgreSQL database
``registry_bench_import_template``. Each run copies the template to a fresh
database (not timed), then times the command a person runs, as a subprocess:

    flask --app registry import coops-uk --all FILE

and then the same command again, which must change nothing. Prints both times, the import's own summary and
the command. Target: the first import in under 30 s on SQLite.

    .venv/bin/python bench/bench_import.py                 # SQLite
    .venv/bin/python bench/bench_import.py --postgres      # SQLite and PostgreSQL
    .venv/bin/python bench/bench_import.py --runs 3 --file path/to/open_data_organisations.csv
    .venv/bin/python bench/bench_import.py --clean         # remove the template and run databases, then exit

Prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

OUT_DIR = REPO_ROOT / "bench" / "out"
REAL_FILE = REPO_ROOT.parent / "shared" / "reference" / "data" / "coops-uk" / "open_data_organisations_2017-06.csv"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
TEMPLATE_SQLITE = OUT_DIR / "import-template.db"
RUN_SQLITE = OUT_DIR / "import-run.db"
TEMPLATE_PG = "registry_bench_import_template"
RUN_PG = "registry_bench_import"
TARGET_SECONDS = 30.0


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _server(url: str) -> sa.Engine:
    return sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _pg_exists(server: str, name: str) -> bool:
    engine = _server(f"{server}/{name}")
    with engine.connect() as connection:
        found = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    engine.dispose()
    return bool(found)


def _pg_execute(server: str, statement: str) -> None:
    engine = _server(f"{server}/postgres")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def _bench_app(url: str) -> Any:
    os.environ.setdefault("REGISTRY_INSTANCE_PATH", str(OUT_DIR / "instance"))
    from registry import create_app

    return create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark-only"})


def migrate_template(url: str) -> None:
    """Bring a kept template up to the migrations and vocabularies added since it was built."""
    from flask_migrate import upgrade

    from registry.extensions import db
    from registry.services.reference_data import load_reference_data

    app = _bench_app(url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def build_template(url: str) -> float:
    """Migrate, load the vocabularies and build the whole gazetteer into ``url``. Returns seconds taken."""
    from flask_migrate import upgrade

    from registry.extensions import db
    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.reference_data import load_reference_data

    started = time.perf_counter()
    app = _bench_app(url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data(db.session)
        db.session.commit()
        build_gazetteer(db.session, progress=True)
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def fresh_sqlite() -> str:
    if not TEMPLATE_SQLITE.exists():
        print(f"Building the template {TEMPLATE_SQLITE.relative_to(REPO_ROOT)} (once)...", flush=True)
        seconds = build_template(f"sqlite:///{TEMPLATE_SQLITE}")
        print(f"  built in {seconds:.0f} s", flush=True)
    else:
        migrate_template(f"sqlite:///{TEMPLATE_SQLITE}")
    with sqlite3.connect(TEMPLATE_SQLITE) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _remove_sqlite(RUN_SQLITE)
    shutil.copyfile(TEMPLATE_SQLITE, RUN_SQLITE)
    return f"sqlite:///{RUN_SQLITE}"


def fresh_postgres(server: str) -> str:
    if not _pg_exists(server, TEMPLATE_PG):
        print(f"Building the template database {TEMPLATE_PG} (once)...", flush=True)
        _pg_execute(server, f'CREATE DATABASE "{TEMPLATE_PG}"')
        seconds = build_template(f"{server}/{TEMPLATE_PG}")
        print(f"  built in {seconds:.0f} s", flush=True)
    else:
        migrate_template(f"{server}/{TEMPLATE_PG}")
    _pg_execute(server, f'DROP DATABASE IF EXISTS "{RUN_PG}" WITH (FORCE)')
    _pg_execute(server, f'CREATE DATABASE "{RUN_PG}" TEMPLATE "{TEMPLATE_PG}"')
    return f"{server}/{RUN_PG}"


def run_import(url: str, source_file: Path) -> tuple[float, float, str, str]:
    """Time ``flask import coops-uk --all FILE`` against ``url``.

    Returns (wall-clock seconds, CPU seconds of the command, its summary, the command). The CPU time says what
    the import costs when other work shares the machine and stretches the wall-clock time.
    """
    reports = OUT_DIR / "import-reports"
    flask = REPO_ROOT / ".venv" / "bin" / "flask"
    args = [str(flask), "--app", "registry", "import", "coops-uk", "--all", str(source_file)]
    args += ["--report-dir", str(reports)]
    environment = {
        **os.environ,
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_INSTANCE_PATH": str(OUT_DIR / "instance"),
    }
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=environment, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"The import failed:\n{done.stdout}\n{done.stderr}")
    command = f"REGISTRY_DATABASE_URL={url} " + " ".join(a if a != str(flask) else ".venv/bin/flask" for a in args)
    return seconds, cpu, done.stdout.strip(), command


def clean(server: str) -> None:
    _remove_sqlite(TEMPLATE_SQLITE)
    _remove_sqlite(RUN_SQLITE)
    try:
        for name in (RUN_PG, TEMPLATE_PG):
            _pg_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except sa.exc.OperationalError:
        pass  # no PostgreSQL here: nothing to drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=REAL_FILE, help="The Co-operatives UK organisations CSV.")
    parser.add_argument("--runs", type=int, default=1, help="Fresh imports to time (the median is reported).")
    parser.add_argument("--postgres", action="store_true", help="Also import into PostgreSQL.")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER, help="PostgreSQL server URL (no database).")
    parser.add_argument("--no-sqlite", action="store_true", help="Only PostgreSQL.")
    parser.add_argument("--clean", action="store_true", help="Drop the template and run databases, then exit.")
    options = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if options.clean:
        clean(options.postgres_server)
        return
    if not options.file.exists():
        raise SystemExit(f"No file at {options.file}: pass --file")

    targets: list[tuple[str, object]] = []
    if not options.no_sqlite:
        targets.append(("SQLite", fresh_sqlite))
    if options.postgres:
        targets.append(("PostgreSQL", lambda: fresh_postgres(options.postgres_server)))

    print(f"Co-operatives UK import benchmark: {options.file.name}, --all, {options.runs} run(s)")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    for label, fresh in targets:
        firsts: list[float] = []
        cpus: list[float] = []
        seconds_again = cpu_again = 0.0
        summary = summary_again = command = ""
        for _ in range(options.runs):
            url = fresh()  # type: ignore[operator]
            seconds, cpu, summary, command = run_import(url, options.file)
            firsts.append(seconds)
            cpus.append(cpu)
            seconds_again, cpu_again, summary_again, _ = run_import(url, options.file)
        first = statistics.median(firsts)
        verdict = "under" if first < TARGET_SECONDS else "OVER"
        print()
        print(
            f"{label}: first import {first:.1f} s ({verdict} the {TARGET_SECONDS:.0f} s target), "
            f"second import {seconds_again:.1f} s"
        )
        print(
            f"  runs: {', '.join(f'{s:.1f} s' for s in firsts)} wall-clock; CPU {statistics.median(cpus):.1f} s, "
            f"second import CPU {cpu_again:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
        print("  " + summary.replace("\n", "\n  "))
        print("  second run: " + summary_again.splitlines()[2].strip())
        print(f"  command: {command}")


if __name__ == "__main__":
    main()
