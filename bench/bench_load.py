"""Load and fault test: the registry behind gunicorn under a mixed load from many concurrent clients.

    .venv/bin/python bench/bench_load.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/registry_bench_150000 \
        --clients 100 --seconds 60 [--restart-postgres-at 20] [--redis]

Starts gunicorn (production settings, loopback only) against the given database, which must already be
migrated and loaded (bench/bench_search.py builds synthetic ones), then runs for a fixed time: searches (text,
facets, postcode radius), listing pages, API calls and structure checks, from N concurrent keep-alive
clients. Prints throughput, p50/p95/p99 latency, status counts, and each worker's memory at the start and
end. With --restart-postgres-at S, PostgreSQL is restarted once S seconds in: requests during the restart
must fail cleanly (503 with Retry-After), never 500, and the app must recover without being restarted.
Bounded in time; sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"

POSTCODES = ["S1 2HE", "DE1 3QT", "LS1 4AP", "M1 1AE", "B1 1BB", "NG1 5FS", "BS1 4DJ", "L1 8JQ", "NE1 7RU", "SW1A 1AA"]
WORDS = ["care", "homecare", "co-operative", "nursing", "mental health", "synthetic", "community", "support"]
CHECK_BODY = json.dumps(
    {
        "legal_form": "co_operative_society",
        "member_classes": [
            {"name": "Staff", "kind": "staff", "voting_rule": "one_member_one_vote", "count": 40},
            {"name": "People we support", "kind": "service_user", "voting_rule": "one_member_one_vote", "count": 60},
        ],
        "profits": {"asset_lock": "constitutional", "distribution_basis": "patronage"},
    }
).encode()


def request_mix(rng: random.Random, slugs: list[str]) -> tuple[str, str, bytes | None]:
    """One request of the mixed load: (method, path, body)."""
    roll = rng.random()
    if roll < 0.30:
        query = {"q": rng.choice(WORDS)}
        if rng.random() < 0.5:
            query["legal_form"] = rng.choice(["co_operative_society", "community_interest_company", "cic_cls"])
        return "GET", "/find?" + urlencode(query), None
    if roll < 0.55:
        query = {"near": rng.choice(POSTCODES), "radius_km": "25"}
        return "GET", "/api/v1/organisations?" + urlencode(query), None
    if roll < 0.75 and slugs:
        return "GET", f"/organisations/{rng.choice(slugs)}", None
    if roll < 0.85:
        return "GET", "/api/v1/organisations?" + urlencode({"q": rng.choice(WORDS), "per_page": "20"}), None
    if roll < 0.95:
        return "POST", "/api/v1/structure-checks", CHECK_BODY
    return "GET", "/api/v1/places?" + urlencode({"q": rng.choice(POSTCODES)}), None


async def client(
    host: str, port: int, deadline: float, rng: random.Random, slugs: list[str], results: list[tuple[float, float, int]]
) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        method, path, body = request_mix(rng, slugs)
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
            if body is not None:
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            writer.write(head.encode() + b"\r\n" + (body or b""))
            await writer.drain()
            status, close = await read_response(reader)
            if close:
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0  # connection refused or reset: counted as an error
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
        results.append((started, time.monotonic() - started, status))


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise asyncio.IncompleteReadError(b"", None)
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, close


def worker_memory_kib(master_pid: int) -> dict[int, int]:
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False).stdout
    memory = {}
    for pid in (int(p) for p in children.split()):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        memory[pid] = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return memory


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


async def run_load(args: argparse.Namespace, slugs: list[str]) -> list[tuple[float, float, int]]:
    results: list[tuple[float, float, int]] = []
    start = time.monotonic()
    deadline = start + args.seconds
    tasks = [
        asyncio.create_task(client("127.0.0.1", args.port, deadline, random.Random(i), slugs, results))
        for i in range(args.clients)
    ]
    if args.restart_postgres_at is not None:
        await asyncio.sleep(args.restart_postgres_at)
        print(f"  restarting PostgreSQL at {time.monotonic() - start:.1f} s ...", flush=True)
        await asyncio.to_thread(restart_postgres)
        print(f"  PostgreSQL back at {time.monotonic() - start:.1f} s", flush=True)
    await asyncio.gather(*tasks)
    return [(s - start, d, st) for s, d, st in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--restart-postgres-at", type=float, default=None)
    parser.add_argument("--redis", action="store_true", help="Rate-limit storage in Redis at 127.0.0.1:6379")
    args = parser.parse_args()
    if args.seconds > 300 or args.clients > 500:
        sys.exit("Keep the load bounded: at most 300 seconds and 500 clients.")

    env = {
        **os.environ,
        "REGISTRY_ENV": "production",
        "REGISTRY_DATABASE_URL": args.database_url,
        "REGISTRY_SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "REGISTRY_INSTANCE_PATH": str(REPO / "bench" / "out" / "load-instance"),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.redis:
        env["REGISTRY_RATELIMIT_STORAGE_URL"] = "redis://127.0.0.1:6379/15"
    log_path = REPO / "bench" / "out" / "load-gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", str(REPO / "gunicorn.conf.py"), "wsgi:app"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{args.port}/api/v1/organisations?per_page=100", timeout=30
        ) as response:
            slugs = [item["slug"] for item in json.load(response)["data"]]
        memory_before = worker_memory_kib(server.pid)
        results = asyncio.run(run_load(args, slugs))
        memory_after = worker_memory_kib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    statuses = Counter(status for _, _, status in results)
    latencies = [d * 1000 for _, d, status in results if 200 <= status < 500]
    database = args.database_url.split("://")[0].split("+")[0]
    print(f"\n{len(results):,} requests in {args.seconds:g} s from {args.clients} clients ({database})")
    print(f"  throughput {len(results) / args.seconds:,.0f} requests/s")
    if latencies:
        print(
            f"  latency ms: p50 {statistics.median(latencies):.0f}, p95 {percentile(latencies, 0.95):.0f}, "
            f"p99 {percentile(latencies, 0.99):.0f}, max {max(latencies):.0f}"
        )
    print(f"  statuses: {dict(sorted(statuses.items()))}  (0 = connection refused or reset)")
    print(f"  worker memory KiB at start: {sorted(memory_before.values())}")
    print(f"  worker memory KiB at end:   {sorted(memory_after.values())}")
    if args.restart_postgres_at is not None:
        late = [status for started, _, status in results if started > args.restart_postgres_at + 15]
        print(f"  after the restart (+15 s): {dict(Counter(late))}")
    bad = statuses.get(500, 0)
    print("  RESULT:", "no 500s" if not bad else f"{bad} responses were 500")


if __name__ == "__main__":
    main()
