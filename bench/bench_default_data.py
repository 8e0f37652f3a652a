"""Benchmark: what the default data (curated listings and Co-operatives UK open data) adds to the first run.

Uses the template database of ``bench_import.py`` (migrations, reference vocabularies and the whole gazetteer,
no listings; built once into ``bench/out/import-template.db``), so the gazetteer build, which every first run
pays whatever it loads, is left out. Each measurement copies the template (not timed) and times, as a
subprocess, the command ``make run`` runs:

    flask --app registry init                      # the first run: curated listings and the open data
    flask --app registry init --skip-open-data     # the same without the open data
    flask --app registry init                      # again on the first one's database: a later run

The first minus the second is what the open data adds; the first minus a later run (whose work is only
starting Python and checking) is what loading all the default data adds. Target: at most 10 s added, and a
later run no slower than an empty one. Prints figures; it asserts nothing.

    .venv/bin/python bench/bench_default_data.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT))

from bench_import import OUT_DIR, fresh_sqlite  # noqa: E402 (after the path is set)

TARGET_SECONDS = 10.0


def flask_init(url: str, *options: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, output) of ``flask init`` against ``url``."""
    flask = REPO_ROOT / ".venv" / "bin" / "flask"
    environment = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_INSTANCE_PATH": str(OUT_DIR / "instance")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [str(flask), "--app", "registry", "init", *options],
        env=environment,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"flask init failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    first, without, later = [], [], []
    output = ""
    for _ in range(args.runs):
        without.append(flask_init(fresh_sqlite(), "--skip-open-data")[0])
        url = fresh_sqlite()
        seconds, _, output = flask_init(url)
        first.append(seconds)
        later.append(flask_init(url)[0])
    best = {name: min(times) for name, times in (("first", first), ("without", without), ("later", later))}
    machine = platform.processor() or platform.machine()
    print(f"Machine: {machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    median = statistics.median(first)
    print(f"flask init, first run (curated + open data): best {best['first']:.1f} s, median {median:.1f} s")
    print(f"flask init, first run without the open data: best {best['without']:.1f} s")
    print(f"flask init, a later run:                      best {best['later']:.1f} s")
    print(f"The open data adds {best['first'] - best['without']:.1f} s to the first run;")
    print(
        f"all default data adds {best['first'] - best['later']:.1f} s (target: at most {TARGET_SECONDS:.0f} s); "
        "a later run loads nothing."
    )
    print("Loaded on the first run:")
    print("\n".join(f"  {line}" for line in output.splitlines() if "listings" in line.lower() or "rows read" in line))


if __name__ == "__main__":
    main()
