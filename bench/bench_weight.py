"""Page weight and Lighthouse scores of every public page, in headless Debian Chromium.

    make bench-weight            # or: .venv/bin/python bench/bench_weight.py [--no-lighthouse] [--runs 1]

Copies the development database (``make db``: the curated listings and the Co-operatives UK open data) to
bench/out/weight.db, serves it with gunicorn (gunicorn.conf.py, 2 workers) on a free port of 127.0.0.1, then for
each public page:

- bytes transferred on a first visit (a new browser profile, nothing cached) and on a repeat visit (the same
  page opened again in that profile), counted as Chromium's DevTools does (``encodedDataLength``: headers and
  body as they came over the wire, so compressed), against the budget of issue 18 (≤ 150 KB first, ≤ 30 KB
  repeat);
- Lighthouse 12.2.3's performance and accessibility scores (bench/package.json; its defaults: a mid-range phone
  on a throttled mobile connection, simulated), with CHROME_PATH=/usr/bin/chromium.

Prints figures and asserts nothing. Chromium may reach only 127.0.0.1: every other host name resolves to nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
OUT = REPO / "bench" / "out"
LIGHTHOUSE = REPO / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", ONLY_LOOPBACK]
FIRST_VISIT_BUDGET = 150 * 1024
REPEAT_VISIT_BUDGET = 30 * 1024
SCORE_TARGET = 95
# Lighthouse emulates a Moto G Power (2022), whose benchmark index Chrome DevTools' CPU calibration takes as 264
# (front_end/panels/mobile_throttling/CalibrationController.ts, "lowScore"); its default 4x CPU slowdown assumes
# a machine about four times quicker. --calibrated slows this machine only down to that phone.
EMULATED_PHONE_INDEX = 264
KEEP_REPORTS = bool(os.environ.get("BENCH_KEEP_REPORTS"))

PAGES = [
    "/",
    "/find?q=Derby",
    "{listing}",
    "/organisations",
    "/check",
    "/about/data",
    "/accessibility",
    "/data",
    "/api/docs",
    "/explain",
    "/explain/asset-lock",
    "/contact",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_database() -> Path:
    """A copy of the development database, so the benchmark neither reads a moving target nor writes to it."""
    source = REPO / "instance" / "registry.db"
    if not source.exists():
        sys.exit("No instance/registry.db: run `make db` first.")
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "weight.db"
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    return target


def start_server(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REGISTRY_ENV": "development",
        "REGISTRY_DATABASE_URL": f"sqlite:///{database}",
        "REGISTRY_INSTANCE_PATH": str(OUT / "weight-instance"),
        "REGISTRY_SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    log = (OUT / "weight-gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", str(REPO / "gunicorn.conf.py"), "wsgi:app"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn stopped: see {OUT / 'weight-gunicorn.log'}")
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 120 s")


def a_listing(base: str) -> str:
    # S310: the URL is the loopback server this script started, never outside input.
    with urllib.request.urlopen(f"{base}/api/v1/organisations?per_page=1", timeout=30) as response:  # noqa: S310
        return "/organisations/" + json.load(response)["data"][0]["slug"]


def page_weights(base: str, paths: list[str]) -> dict[str, tuple[int, int, int]]:
    """Per page: bytes on a first visit, bytes on a repeat visit, and the number of requests of the first."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                received: list[int] = []
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.on("Network.loadingFinished", lambda event, into=received: into.append(event["encodedDataLength"]))
                page.goto(base + path, wait_until="networkidle")
                first, requests = sum(received), len(received)
                received.clear()
                page.goto(base + path, wait_until="networkidle")
                weights[path] = (first, sum(received), requests)
                context.close()
        finally:
            browser.close()
    return weights


def lighthouse(url: str, cpu_slowdown: float | None = None) -> tuple[int, int, list[str], float]:
    """Performance and accessibility scores (0-100), the audits that cost points (worst first), and Lighthouse's
    benchmark index of the machine at the time (its CPU speed: under 1,000 is slow, and a busy machine scores
    low, which costs performance points, above all Total Blocking Time)."""
    for attempt in range(3):
        try:
            return _lighthouse_once(url, cpu_slowdown)
        except subprocess.CalledProcessError:
            # Lighthouse now and then fails to record the page load's trace (NO_NAVSTART): try again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _lighthouse_once(url: str, cpu_slowdown: float | None) -> tuple[int, int, list[str], float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--only-categories=performance,accessibility",
                "--output=json",
                f"--output-path={report}",
                "--quiet",
                *([f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}"] if cpu_slowdown else []),
                "--chrome-flags=" + " ".join(f'"{arg}"' if " " in arg else arg for arg in CHROMIUM_ARGS),
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
            timeout=300,
        )
        result = json.loads(report.read_text())
        if KEEP_REPORTS:
            OUT.joinpath("lighthouse").mkdir(exist_ok=True)
            name = url.split("/", 3)[3].replace("/", "_").replace("?", "_") or "home"
            OUT.joinpath("lighthouse", f"{name}.json").write_text(report.read_text())
    categories = result["categories"]
    costly = []
    for name in ("performance", "accessibility"):
        for ref in categories[name]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 0.9:
                costly.append((ref["weight"] * (1 - audit["score"]), f"{ref['id']} ({audit.get('displayValue', '')})"))
    return (
        round(categories["performance"]["score"] * 100),
        round(categories["accessibility"]["score"] * 100),
        [label for _, label in sorted(costly, reverse=True)],
        float(result["environment"]["benchmarkIndex"]),
    )


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-lighthouse", action="store_true", help="page weights only")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is printed)")
    parser.add_argument(
        "--calibrated",
        action="store_true",
        help="also score with the CPU slowdown that makes this machine as quick as the emulated phone",
    )
    args = parser.parse_args()
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci --prefix bench` (or make bench-weight).")

    database = copy_database()
    port = free_port()
    server = start_server(database, port)
    base = f"http://127.0.0.1:{port}"
    try:
        listing = a_listing(base)
        paths = [path.format(listing=listing) for path in PAGES]
        weights = page_weights(base, paths)
        print(f"Page weight, headless Chromium ({CHROMIUM}); budget {kb(FIRST_VISIT_BUDGET)} first visit, ", end="")
        print(f"{kb(REPEAT_VISIT_BUDGET)} repeat visit")
        print(f"{'Page':<44} {'First visit':>12} {'Requests':>9} {'Repeat visit':>13}  Budget")
        for path, (first, repeat, requests) in weights.items():
            within = first <= FIRST_VISIT_BUDGET and repeat <= REPEAT_VISIT_BUDGET
            print(f"{path:<44} {kb(first):>12} {requests:>9} {kb(repeat):>13}  {'met' if within else 'OVER'}")
        if args.no_lighthouse:
            return
        scores(base, paths, args.runs, None)
        if args.calibrated:
            index = lighthouse(base + "/")[3]
            scores(base, paths, args.runs, max(1.0, round(index / EMULATED_PHONE_INDEX, 1)))
    finally:
        server.terminate()
        server.wait(timeout=30)


def scores(base: str, paths: list[str], runs: int, cpu_slowdown: float | None) -> None:
    slowdown = f"CPU slowdown {cpu_slowdown}x (calibrated)" if cpu_slowdown else "CPU slowdown 4x (default)"
    print(f"\nLighthouse {lighthouse_version()} (mobile, simulated throttling, {slowdown}), median of {runs}; ", end="")
    print(f"target {SCORE_TARGET}")
    print(f"{'Page':<44} {'Performance':>12} {'Accessibility':>14} {'CPU index':>10}  Audits below 0.9")
    for path in paths:
        results = [lighthouse(base + path, cpu_slowdown) for _ in range(runs)]
        performance = round(statistics.median(result[0] for result in results))
        accessibility = round(statistics.median(result[1] for result in results))
        index = round(statistics.median(result[3] for result in results))
        costs = ", ".join(results[0][2][:3]) or "-"
        print(f"{path:<44} {performance:>12} {accessibility:>14} {index:>10}  {costs}", flush=True)


def lighthouse_version() -> str:
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    main()
