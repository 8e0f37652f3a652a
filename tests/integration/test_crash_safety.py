"""Crash safety: the process is killed with SIGKILL in the middle of an import and in the middle of a listing
edit, and the database is then checked to be whole, and the work to complete with nothing lost or duplicated.

Each test builds a scratch database of the suite's kind (a SQLite file, or a fresh PostgreSQL database when
``REGISTRY_TEST_DATABASE_URL`` is set) with the real command line in a subprocess, and kills processes that
write to it:

- **Import.** ``flask import coops-uk --all`` on the first 500 rows of the real Co-operatives UK file (with
  its duplicate rows and the row that matches a seed listing), 20 rows a batch. The first run is killed as
  soon as a batch is committed, wherever it then is; the second is killed by a hook in the process between
  the flush of its 15th batch and that batch's commit, so it must leave exactly 14 batches. A third run
  completes the import, and must give what one uninterrupted import gives in another scratch database,
  listing for listing; a fourth must change nothing.
- **Edit.** A child process saves many edits of one listing with ``save_edit`` (what ``/manage`` saves),
  printing each one once it is committed; it is killed after a few commits, then killed again by a hook between
  the flush and the commit of an edit; then the next edit must save normally.

After every kill: SQLite's integrity and foreign-key checks pass; no row belongs to a missing listing; no
identifier, slug or imported record is duplicated; every listing's revisions are numbered 1, 2, 3... and the
latest is what the listing holds now; every listing has one assessment per rule set made at its current
version; every published listing is in the search index with its current text and verdict; every imported
listing has its imported record (so a re-run finds it again instead of creating it twice).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import NullPool

from registry import create_app
from registry.domain.validator import load_rulesets
from registry.extensions import db
from registry.models import LISTING_RECORD_LISTS, ListingProvenance, ListingStatus, Organisation, Revision
from registry.models.imports import ImportedRecord, ImportRun, ImportRunStatus
from registry.services.editing import data_from_snapshot, listing_data
from registry.services.importers.reading import csv_rows, read_csv_file
from registry.services.search_index import PREFERRED_PROVIDER_RULESET
from tests.support.database import scratch_database

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_COOPS_UK = REPO_ROOT.parent / "shared" / "reference" / "data" / "coops-uk" / "open_data_organisations_2017-06.csv"

# The import: the first ROWS rows of the real file, and these further rows of it: two pairs of duplicates (a
# row landing on the listing an earlier row made: R015345 on R003969 and R021138 on R003968 by name and
# postcode, R019941 on R008893 by company number) and a row for a seed listing (R005158, Sunshine Care).
ROWS = 500
EXTRA_KEYS = {"R003968", "R003969", "R008893", "R005158", "R015345", "R019941", "R021138"}
BATCH_SIZE = 20
# The second run dies between the flush and the commit of this batch (the run's first commit is its run record).
CRASH_IN_BATCH = 15
# Postcodes starting with Y (York): a gazetteer built in a second, so some rows are placed and the rest are not.
GAZETTEER_LETTERS = "Y"

LISTING_CHILDREN = (*LISTING_RECORD_LISTS, "assessments")
CHILD_TABLES = (
    "identifier",
    "member_class",
    "board_seat",
    "significant_control",
    "service",
    "service_area",
    "location",
    "source",
    "assessment",
    "revision",
    "imported_record",
    "search_facet",
    "organisation_search_location",
    "organisation_search_area",
)


# ---------------------------------------------------------------------------------------------------
# Processes


def cli_env(url: str, instance: Path) -> dict[str, str]:
    instance.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_INSTANCE_PATH": str(instance),
        "REGISTRY_SECRET_KEY": "crash-safety-test-secret-key",
        "PYTHONUNBUFFERED": "1",
    }


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "registry", *args]


def run(command: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, env=env, cwd=REPO_ROOT, input=stdin, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{command[3:]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def build_databases(builds: list[tuple[str, Path]], gazetteer: bool) -> None:
    """Build each (url, instance) with ``flask init`` (and a small gazetteer), the databases side by side."""
    # Without the default open data: the tests import files of their own and count what those add.
    steps = [flask_command("init", "--skip-gazetteer", "--skip-open-data")]
    if gazetteer:
        steps.append(flask_command("gazetteer", "build", "--letters", GAZETTEER_LETTERS))
    for step in steps:
        processes = [
            subprocess.Popen(
                step,
                env=cli_env(url, instance),
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for url, instance in builds
        ]
        for process in processes:
            output, _ = process.communicate(timeout=300)
            assert process.returncode == 0, f"{step[3:]} failed:\n{output}"


def kill(process: subprocess.Popen[Any]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def polling_engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


@contextmanager
def app_on(url: str) -> Iterator[Flask]:
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    try:
        with app.app_context():
            yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# ---------------------------------------------------------------------------------------------------
# What must hold after any crash


def check_consistent(url: str) -> dict[str, dict[str, Any]]:
    """Check every invariant on the database at ``url``; return each listing's fingerprint, by slug."""
    with app_on(url):
        session = db.session()
        connection = session.connection()

        def rows(sql: str) -> list[Any]:
            return list(connection.execute(text(sql)).all())

        if connection.dialect.name == "sqlite":
            assert rows("PRAGMA integrity_check") == [("ok",)]
            assert rows("PRAGMA foreign_key_check") == []
        for table in CHILD_TABLES:
            orphans = rows(
                f"SELECT organisation_id FROM {table} WHERE organisation_id NOT IN (SELECT id FROM organisation)"
            )
            assert orphans == [], f"{table} rows for listings that do not exist: {orphans[:5]}"
        assert rows("SELECT slug FROM organisation GROUP BY slug HAVING count(*) > 1") == []
        assert rows("SELECT scheme_code, value FROM identifier GROUP BY scheme_code, value HAVING count(*) > 1") == []
        assert rows("SELECT source, source_key FROM imported_record GROUP BY 1, 2 HAVING count(*) > 1") == []
        assert rows("SELECT source, organisation_id FROM imported_record GROUP BY 1, 2 HAVING count(*) > 1") == []
        assert rows("SELECT organisation_id, number FROM revision GROUP BY 1, 2 HAVING count(*) > 1") == []
        # An imported listing without its record would be created again by the next run.
        assert (
            rows(
                "SELECT slug FROM organisation WHERE provenance = 'imported'"
                " AND id NOT IN (SELECT organisation_id FROM imported_record)"
            )
            == []
        )

        published = {
            org_id
            for (org_id,) in rows(f"SELECT id FROM organisation WHERE status = '{ListingStatus.PUBLISHED.value}'")
        }
        documents: dict[int, str] = {}
        if connection.dialect.name == "sqlite":
            documents = dict(rows("SELECT rowid, body FROM organisation_search"))
        else:
            documents = dict(rows("SELECT organisation_id, body FROM organisation_search"))
        assert set(documents) == published, "the search index does not hold exactly the published listings"
        eligible = dict(rows("SELECT organisation_id, value FROM search_facet WHERE facet = 'eligible'"))

        rulesets = {ruleset.id for ruleset in load_rulesets()}
        revisions: dict[int, list[Revision]] = {}
        for revision in session.scalars(select(Revision).order_by(Revision.organisation_id, Revision.number)):
            revisions.setdefault(revision.organisation_id, []).append(revision)
        records = {r.organisation_id: r for r in session.scalars(select(ImportedRecord))}
        fingerprints: dict[str, dict[str, Any]] = {}
        orgs = session.scalars(
            select(Organisation).options(*(selectinload(getattr(Organisation, name)) for name in LISTING_CHILDREN))
        ).all()
        for org in orgs:
            history = revisions.get(org.id, [])
            assert history, f"{org.slug} has no revision"
            numbers = [r.number for r in history]
            assert numbers == list(range(1, len(history) + 1)), f"{org.slug}: revisions {numbers}"
            current = listing_data(org)
            assert data_from_snapshot(history[-1].snapshot) == current, f"{org.slug}: not its latest revision"
            verdicts = {a.ruleset_id: (a.verdict, a.organisation_version) for a in org.assessments}
            assert set(verdicts) == rulesets, f"{org.slug}: assessed against {sorted(verdicts)}"
            assert {version for _, version in verdicts.values()} == {org.version}, f"{org.slug}: stale assessment"
            if org.id in published:
                assert (org.description or "") in documents[org.id], f"{org.slug}: indexed text is not its own"
                assert eligible.get(org.id) == verdicts[PREFERRED_PROVIDER_RULESET][0], f"{org.slug}: indexed verdict"
            record = records.get(org.id)
            fingerprints[org.slug] = {
                "data": current,
                "version": org.version,
                "revisions": [(r.number, r.author, r.summary) for r in history],
                "verdicts": verdicts,
                "source_digest": org.source_digest,
                "record": (record.source, record.source_key, record.digest, record.data) if record else None,
            }
        return fingerprints


# ---------------------------------------------------------------------------------------------------
# Import


def write_import_file(directory: Path) -> tuple[Path, list[str]]:
    """The import's rows of the real file, as a file of the same name; and their keys in file order."""
    records = list(csv_rows(io.StringIO(read_csv_file(REAL_COOPS_UK), newline="")))
    header, body = records[0][1], [cells for _, cells in records[1:]]
    chosen = [cells for index, cells in enumerate(body) if index < ROWS or cells[0].strip() in EXTRA_KEYS]
    assert len(chosen) == ROWS + len(EXTRA_KEYS)
    directory.mkdir()
    path = directory / REAL_COOPS_UK.name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(chosen)
    return path, [cells[0].strip() for cells in chosen]


# Runs ``flask`` with a hook that kills the process between the flush and the commit of its Nth commit.
CRASHING_FLASK = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.orm import Session
from flask.cli import main

crash_at = int(os.environ["CRASH_AT_COMMIT"])
commits = 0

@event.listens_for(Session, "before_commit")
def crash(session):
    global commits
    commits += 1
    if commits == crash_at:
        session.flush()  # everything the transaction holds is now in the database, uncommitted
        os.kill(os.getpid(), signal.SIGKILL)

sys.argv[0] = "flask"
main()
"""

SUMMARY = re.compile(r"Listings: ([\d,]+) created, ([\d,]+) updated, ([\d,]+) unchanged, ([\d,]+) looked after")


def import_summary(output: str) -> tuple[int, ...]:
    found = SUMMARY.search(output)
    assert found is not None, output
    return tuple(int(n.replace(",", "")) for n in found.groups())


def imported_keys(url: str) -> set[str]:
    engine = polling_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(text("SELECT source_key FROM imported_record WHERE source = 'coops-uk'")))
    finally:
        engine.dispose()


def import_runs(url: str) -> list[tuple[str, bool]]:
    with app_on(url):
        return [
            (run.status, run.finished_at is not None)
            for run in db.session.scalars(select(ImportRun).order_by(ImportRun.id))
        ]


def test_killed_imports_leave_whole_batches_and_a_rerun_completes_them(database_url: str, tmp_path: Path) -> None:
    if not REAL_COOPS_UK.exists():
        pytest.skip(f"The real Co-operatives UK file is not at {REAL_COOPS_UK} (../shared/ beside the repository)")
    source, keys = write_import_file(tmp_path / "file")
    arguments = ["import", "coops-uk", str(source), "--all", "--batch-size", str(BATCH_SIZE)]

    with (
        scratch_database(database_url, tmp_path) as url,
        scratch_database(database_url, tmp_path) as reference_url,
    ):
        crashed_env = cli_env(url, tmp_path / "instance")
        reference_env = cli_env(reference_url, tmp_path / "reference-instance")
        build_databases([(url, tmp_path / "instance"), (reference_url, tmp_path / "reference-instance")], True)
        seeded = check_consistent(url)

        # The reference: one uninterrupted import.
        reference_run = run(
            flask_command(*arguments, "--report-dir", str(tmp_path / "reference-reports")), reference_env
        )
        created, _, unchanged, linked = import_summary(reference_run.stdout)
        assert created > ROWS - 20
        assert unchanged + linked >= 1  # rows of curated (seed) organisations, matched rather than created
        assert "Rejected rows: 3" in reference_run.stdout  # its three duplicate rows
        reference = check_consistent(reference_url)
        reference_keys = imported_keys(reference_url)
        assert len(reference) == len(seeded) + created

        # 1. Killed wherever it is once its first batch is committed.
        first = subprocess.Popen(
            flask_command(*arguments, "--report-dir", str(tmp_path / "reports")),
            env=crashed_env,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        engine = polling_engine(url)
        try:
            deadline = time.monotonic() + 120
            while True:
                assert first.poll() is None, "the import finished before a batch was seen committed"
                with engine.connect() as connection:
                    if connection.scalar(text("SELECT count(*) FROM imported_record")):
                        break
                assert time.monotonic() < deadline, "no batch was committed in two minutes"
                time.sleep(0.02)
            kill(first)
        finally:
            engine.dispose()
        after_first = check_consistent(url)
        done_first = imported_keys(url)
        # Whole batches: the listings there are those the file's first batches make, as the reference made them.
        batches = [
            n
            for n in range(1, len(keys) // BATCH_SIZE + 1)
            if done_first == reference_keys & set(keys[: BATCH_SIZE * n])
        ]
        assert batches, f"the killed import left {len(done_first)} listings: not whole batches of {BATCH_SIZE} rows"
        assert batches[0] < CRASH_IN_BATCH - 1, f"the first import ran {batches[0]} batches before it was killed"
        for slug, fingerprint in after_first.items():
            assert fingerprint in (seeded.get(slug), reference.get(slug)), slug  # untouched, or as the reference has it

        # 2. Killed between the flush and the commit of a batch, in the rows the first run never reached.
        second = subprocess.run(
            [
                sys.executable,
                "-c",
                CRASHING_FLASK,
                "--app",
                "registry",
                *arguments,
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            env={**crashed_env, "CRASH_AT_COMMIT": str(CRASH_IN_BATCH + 1)},
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert second.returncode == -signal.SIGKILL, second.stdout + second.stderr
        after_second = check_consistent(url)
        done_second = imported_keys(url)
        assert done_second == reference_keys & set(keys[: BATCH_SIZE * (CRASH_IN_BATCH - 1)])
        for slug, fingerprint in after_second.items():
            assert fingerprint in (seeded.get(slug), reference.get(slug)), slug  # untouched, or as the reference has it

        # 3. Run again: it completes the import, and the result is the uninterrupted import's, listing for listing.
        third = run(flask_command(*arguments, "--report-dir", str(tmp_path / "reports")), crashed_env)
        # Rows of curated (seed) organisations count as unchanged, not created, in every run.
        seed_keys = {reference[slug]["record"][1] for slug in seeded if reference[slug]["record"]}
        done_seed = len(done_second & seed_keys)
        assert import_summary(third.stdout) == (
            created - (len(done_second) - done_seed),
            0,
            len(done_second) + unchanged - done_seed,
            linked,
        )
        completed = check_consistent(url)
        assert imported_keys(url) == reference_keys
        assert completed.keys() == reference.keys()
        for slug, fingerprint in completed.items():
            assert fingerprint == reference[slug], slug

        # 4. And once more: nothing changes.
        fourth = run(flask_command(*arguments, "--report-dir", str(tmp_path / "reports")), crashed_env)
        assert import_summary(fourth.stdout) == (0, 0, created + unchanged + linked, 0)
        assert check_consistent(url) == completed

        # The killed runs are marked interrupted by the next run (with no finish time); the others completed.
        runs = import_runs(url)
        assert len(runs) == 4
        assert runs[:2] == [(ImportRunStatus.INTERRUPTED, False)] * 2
        assert runs[2:] == [(ImportRunStatus.COMPLETED, True)] * 2


# ---------------------------------------------------------------------------------------------------
# Edit


# Saves edits of one listing as the /manage pages do, printing each once it is committed. With a crash number
# N, kills itself between the flush and the commit of its Nth commit (the Nth edit, if each is one transaction).
EDITOR = """
import json, os, signal, sys
from sqlalchemy import event, select
from registry import create_app
from registry.extensions import db
from registry.models import Organisation, ServiceType, User
from registry.services.editing import listing_data, save_edit

slug, email, first, count, crash_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
app = create_app()
with app.app_context():
    session = db.session()
    commits = [0]

    @event.listens_for(session, "before_commit")
    def crash(session):
        commits[0] += 1
        if commits[0] == crash_at:
            session.flush()  # everything the transaction holds is now in the database, uncommitted
            os.kill(os.getpid(), signal.SIGKILL)

    user = session.scalars(select(User).where(User.email == email)).one()
    codes = session.scalars(
        select(ServiceType.code).where(ServiceType.parent_code.is_not(None)).order_by(ServiceType.code)
    ).all()
    for edit in range(first, first + count):
        org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
        data = listing_data(org)
        data["description"] = f"Edit {edit} of the crash-safety test."
        data["trading_names"] = [f"Crash test {edit}"]
        chosen = codes[:1] if edit % 2 else codes[1:4]
        data["services"] = [{"code": code, "description": f"Edit {edit}"} for code in chosen]
        outcome = save_edit(session, org, data, editor=user, loaded_version=org.version)
        session.commit()
        print(json.dumps({"edit": edit, "revision": outcome.revision.number, "version": org.version}), flush=True)
"""

EDITOR_EMAIL = "editor@example.org"


def description(edit: int) -> str:
    return f"Edit {edit} of the crash-safety test."


def latest_state(url: str, slug: str) -> tuple[int, int, dict[int, str], str]:
    """The listing's version, latest revision number, each revision's description, and its description now."""
    with app_on(url):
        session = db.session()
        org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
        snapshots = {
            r.number: r.snapshot.get("description") or ""
            for r in session.scalars(select(Revision).where(Revision.organisation_id == org.id))
        }
        latest = session.scalar(select(func.max(Revision.number)).where(Revision.organisation_id == org.id))
        assert latest is not None
        return org.version, latest, snapshots, org.description


def test_killed_edits_leave_the_listing_and_its_history_consistent(database_url: str, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    with scratch_database(database_url, tmp_path) as url:
        instance = tmp_path / "instance"
        env = cli_env(url, instance)
        build_databases([(url, instance)], False)
        run(
            flask_command("create-user", EDITOR_EMAIL, "--role", "representative", "--password-stdin"),
            env,
            stdin="plum tomatoes ripen on sunny allotments\n",
        )
        engine = polling_engine(url)
        try:
            with engine.connect() as connection:
                slug = connection.scalar(
                    text("SELECT slug FROM organisation WHERE provenance = :seed ORDER BY id LIMIT 1"),
                    {"seed": ListingProvenance.SEED.value},
                )
        finally:
            engine.dispose()
        assert slug is not None
        check_consistent(url)
        _, first_revision, _, _ = latest_state(url, slug)

        def editor(first: int, count: int, crash_at: int = 0) -> subprocess.Popen[str]:
            return subprocess.Popen(
                [sys.executable, str(script), slug, EDITOR_EMAIL, str(first), str(count), str(crash_at)],
                env=env,
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

        def committed(
            process: subprocess.Popen[str], *, stop_after: int = 0, dies: bool = False
        ) -> list[dict[str, int]]:
            """The edits the process printed as committed; kills it after ``stop_after`` of them, if given."""
            assert process.stdout is not None and process.stderr is not None
            printed: list[dict[str, int]] = []
            for line in process.stdout:
                printed.append(json.loads(line))
                if len(printed) == stop_after:
                    kill(process)
                    printed += [json.loads(rest) for rest in process.stdout.read().splitlines()]
                    break
            process.wait(timeout=60)
            process.stdout.close()
            errors = process.stderr.read()
            process.stderr.close()
            assert process.returncode == (-signal.SIGKILL if stop_after or dies else 0), errors
            return printed

        # 1. Killed from outside after three committed edits, wherever it then is.
        printed = committed(editor(1, 1000), stop_after=3)
        assert len(printed) < 1000, "the editor finished before it was killed"
        check_consistent(url)
        version, latest, snapshots, now = latest_state(url, slug)
        # Nothing it reported as saved is lost: each edit is its own revision, in order, after the seed's.
        assert [p["revision"] for p in printed] == list(range(first_revision + 1, first_revision + 1 + len(printed)))
        for edit in printed:
            assert snapshots[edit["revision"]] == description(edit["edit"])
        last = printed[-1]
        # At most the edit it was saving when it died is there too, whole (it committed but was not printed).
        assert latest in (last["revision"], last["revision"] + 1)
        assert now == description(last["edit"] + latest - last["revision"])
        # Each save moves the version on by the same step, and the listing's version is its last save's.
        steps = {b["version"] - a["version"] for a, b in itertools.pairwise(printed)}
        assert len(steps) == 1 and steps != {0}, steps
        assert version == last["version"] + steps.pop() * (latest - last["revision"])

        # 2. Killed between the flush and the commit of its second transaction: the first edit is kept whole, and
        # the second is not there at all. (Were an edit saved in two transactions, the first edit would be half
        # saved here, and fail the checks.)
        printed = committed(editor(1001, 10, crash_at=2), dies=True)
        check_consistent(url)
        assert [(p["edit"], p["revision"]) for p in printed] == [(1001, latest + 1)]
        version, latest, snapshots, now = latest_state(url, slug)
        assert (version, latest, now) == (printed[-1]["version"], printed[-1]["revision"], description(1001))
        assert description(1002) not in snapshots.values()

        # 3. The next edit saves as any other.
        printed = committed(editor(2001, 1))
        assert [(p["edit"], p["revision"]) for p in printed] == [(2001, latest + 1)]
        check_consistent(url)
        version, latest, snapshots, now = latest_state(url, slug)
        assert (version, latest, now) == (printed[0]["version"], printed[0]["revision"], description(2001))
