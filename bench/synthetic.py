"""Synthetic listings for benchmarks: realistic in shape, reproducible, and plainly not real organisations.

Every listing is named "Synthetic ... 012345", its description starts "Synthetic listing", and its provenance
is ``synthetic``. Legal forms, governance models, services and member classes come from the reference
vocabularies with weights that roughly follow the sector (CICs, co-operatives and social enterprises in
homecare and community health outnumber NHS trusts and dental practices). Each listing has 1 to 3 locations
at real postcodes drawn at random from the gazetteer, so listings cluster where people live; its service area
is the local authority district of its first location and up to four of the nearest others; its region is its
first location's.

Listings are written as plain data (the shape ``apply_listing_data`` reads: seed files, importers, forms),
turned into model objects that are never added to the session, assessed by the real validator
(``listing_facts`` and ``assess_all``, as ``reassess`` does) and indexed by the same ``facet_values`` and
``document`` as the live index; then inserted in bulk with Core ``insert()``. Every rule set's verdict is
stored; the full report (about 40 kB per listing) only for one listing in ``--reports-every``, to keep a
150,000-listing database to a few hundred megabytes. Search never reads reports.

The scripts refuse to write to a database that holds any listing that is not synthetic, and refuse the
development database outright. Run from the repository root:

    .venv/bin/python bench/synthetic.py --count 15000                      # bench/out/synthetic-15000.db
    .venv/bin/python bench/synthetic.py --count 1500 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/registry_bench_1500
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

# Run as a script, Python puts bench/ on the path, not the repository root.
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from flask import Flask  # noqa: E402

from registry.domain.validator import assess_all, rules_basis  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.models import (  # noqa: E402
    Assessment,
    BoardSeat,
    GovernanceModel,
    LegalForm,
    ListingProvenance,
    ListingStatus,
    Location,
    MemberClass,
    Organisation,
    Region,
    Service,
    ServiceArea,
    ServiceType,
    SignificantControl,
)
from registry.models.gazetteer import LocalAuthority  # noqa: E402
from registry.services.assessments import listing_facts  # noqa: E402
from registry.services.listing_data import apply_listing_data  # noqa: E402
from registry.services.search_index import PREFERRED_PROVIDER_RULESET, add_to_index  # noqa: E402

OUT_DIR = REPO_ROOT / "bench" / "out"
DEV_DATABASE = REPO_ROOT / "instance" / "registry.db"
SYNTHETIC = ListingProvenance.SYNTHETIC.value


def default_database_url(count: int) -> str:
    return f"sqlite:///{OUT_DIR / f'synthetic-{count}.db'}"


# ---------------------------------------------------------------------------------------------------
# Guard rails


class NotASyntheticDatabase(RuntimeError):
    """The database holds real listings (or is the development database): the script will not touch it."""


def absolute_url(url: str) -> str:
    """The URL with a SQLite path made absolute (Flask-SQLAlchemy would read a relative one from instance/)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return url
    if not parsed.database or parsed.database == ":memory:":
        raise NotASyntheticDatabase("Give a SQLite file, not an in-memory database")
    return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)


def refuse_real_database(url: str) -> None:
    """Refuse the development database by path, before connecting or migrating anything."""
    parsed = make_url(absolute_url(url))
    if parsed.get_backend_name() == "sqlite" and Path(parsed.database or "") == DEV_DATABASE.resolve():
        raise NotASyntheticDatabase(f"{DEV_DATABASE} is the development database; give a file under {OUT_DIR}")


def check_synthetic_only(session: Session) -> int:
    """The number of synthetic listings; raises if any listing is not synthetic (seed, imported, real)."""
    if "organisation" not in set(inspect(session.get_bind()).get_table_names()):
        return 0
    real = session.scalar(select(func.count()).where(Organisation.provenance != SYNTHETIC)) or 0
    if real:
        raise NotASyntheticDatabase(
            f"This database holds {real:,} listings that are not synthetic: benchmarks write only to a database of "
            "their own. Give another --database-url."
        )
    return session.scalar(select(func.count()).select_from(Organisation)) or 0


def bench_app(url: str) -> Flask:
    """The app on ``url``, with its instance folder under bench/out/ so nothing is written to instance/."""
    os.environ.setdefault("REGISTRY_INSTANCE_PATH", str(OUT_DIR / "instance"))
    from registry import create_app

    refuse_real_database(url)
    return create_app(
        {
            "ENV_NAME": "test",
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": absolute_url(url),
            "SECRET_KEY": "benchmark-only",
        }
    )


def prepare_database(app: Flask, gazetteer_areas: Sequence[str] | None = None) -> dict[str, float]:
    """Migrate, load the reference vocabularies and build the gazetteer if missing. Returns seconds per step."""
    from flask_migrate import upgrade

    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.gazetteer.status import gazetteer_status
    from registry.services.reference_data import load_reference_data

    timings: dict[str, float] = {}
    with app.app_context():
        check_synthetic_only(db.session)
        started = time.perf_counter()
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data(db.session)
        db.session.commit()
        timings["migrate and reference data"] = time.perf_counter() - started
        wanted = "areas " + ",".join(sorted(a.upper() for a in gazetteer_areas)) if gazetteer_areas else None
        status = gazetteer_status(db.session)
        if (
            status is None
            or (wanted is not None and status.letters != wanted)
            or (wanted is None and not status.is_complete)
        ):
            started = time.perf_counter()
            build_gazetteer(db.session, areas=gazetteer_areas, progress=False)
            timings["gazetteer"] = time.perf_counter() - started
        db.session.remove()
    return timings


# ---------------------------------------------------------------------------------------------------
# What listings are made of


def _weighted(weights: dict[str, float], known: Sequence[str], other: float = 0.2) -> tuple[list[str], list[float]]:
    """The codes in the vocabulary with our weights; codes we gave no weight get a small one."""
    return list(known), [weights.get(code, other) for code in known]


LEGAL_FORM_WEIGHTS = {
    "community_interest_company": 14,
    "cic_clg": 12,
    "cic_cls": 8,
    "co_operative_society": 12,
    "community_benefit_society": 8,
    "charitable_cbs": 3,
    "company_limited_by_guarantee": 12,
    "charitable_company": 8,
    "cio": 6,
    "scio": 1.5,
    "company_limited_by_shares": 6,
    "llp": 0.5,
    "nhs_foundation_trust": 1,
    "nhs_trust": 0.5,
    "friendly_society": 0.3,
    "unincorporated": 1,
    "other": 0.5,
}
GOVERNANCE_WEIGHTS = {
    "staff_led_social_enterprise": 14,
    "public_service_mutual": 8,
    "workers": 10,
    "multi_stakeholder": 8,
    "consumers": 3,
    "community_of_interest": 5,
    "community_owned": 6,
    "employee_owned_trust": 7,
    "employee_owned_direct": 3,
    "self_employed": 2,
    "charity_trustee_governed": 8,
    "co_operatives": 1,
    "nhs_foundation_trust": 1,
    "public_body": 0.5,
    "investor_owned": 2,
    "enterprises": 1,
    "tenants": 1,
    "other": 1,
}
# Service groups by how common they are among health and care mutuals; leaves share their group's weight.
SERVICE_GROUP_WEIGHTS = {
    "hsc-adult-social-care": 30,
    "hsc-community-health": 16,
    "hsc-mental-health": 10,
    "hsc-primary-care": 7,
    "hsc-children-families": 9,
    "hsc-disability": 8,
    "hsc-carers": 5,
    "hsc-housing-support": 5,
    "hsc-wellbeing-prevention": 8,
    "hsc-specialist-hospital": 2,
}
# Member classes a governance model usually has: (kind, class name) choices, from which 1 or more are drawn.
MEMBERS_BY_GOVERNANCE: dict[str, list[tuple[str, str]]] = {
    "staff_led_social_enterprise": [("staff", "Staff members"), ("service_user", "Service user members")],
    "public_service_mutual": [("staff", "Employee members"), ("community_public", "Community members")],
    "workers": [("staff", "Worker members")],
    "multi_stakeholder": [
        ("staff", "Care worker members"),
        ("service_user", "People who use the service"),
        ("carer", "Unpaid carers, family and friends"),
        ("community_public", "Community members"),
        ("investor", "Investor members"),
    ],
    "consumers": [("service_user", "Member patients")],
    "community_of_interest": [("service_user", "People with lived experience"), ("supporter", "Supporters")],
    "community_owned": [("community_public", "Community shareholders"), ("supporter", "Supporters")],
    "employee_owned_trust": [("staff", "Employee owners")],
    "employee_owned_direct": [("staff", "Employee shareholders")],
    "self_employed": [("staff", "Self-employed practitioner members")],
    "nhs_foundation_trust": [
        ("community_public", "Public constituency"),
        ("staff", "Staff constituency"),
        ("service_user", "Patient and carer constituency"),
    ],
    "investor_owned": [("investor", "Shareholders")],
    "enterprises": [("partner_org", "Member organisations")],
    "co_operatives": [("partner_org", "Member co-operatives")],
    "tenants": [("service_user", "Tenant members")],
    "charity_trustee_governed": [("supporter", "Charity members")],
}
ASSET_LOCK_BY_FORM = {
    "community_interest_company": "cic_statutory",
    "cic_clg": "cic_statutory",
    "cic_cls": "cic_statutory",
    "charitable_cbs": "charitable",
    "charitable_company": "charitable",
    "cio": "charitable",
    "scio": "charitable",
}
FORM_WORDS = {
    "co_operative_society": "Co-operative",
    "community_benefit_society": "Community Benefit Society",
    "charitable_cbs": "Community Society",
    "cic_cls": "CIC",
    "cic_clg": "CIC",
    "community_interest_company": "CIC",
    "company_limited_by_shares": "Ltd",
    "company_limited_by_guarantee": "Ltd",
    "charitable_company": "Trust",
    "cio": "Charity",
    "scio": "SCIO",
    "llp": "LLP",
    "nhs_foundation_trust": "NHS Foundation Trust",
    "nhs_trust": "NHS Trust",
    "friendly_society": "Friendly Society",
    "unincorporated": "Association",
    "other": "Partnership",
}
GROUP_WORDS = {
    "hsc-adult-social-care": ["Care", "Homecare", "Home Care", "Care at Home"],
    "hsc-community-health": ["Community Health", "Health", "Community Nursing"],
    "hsc-mental-health": ["Mental Health", "Minds", "Wellbeing"],
    "hsc-primary-care": ["Primary Care", "Health Partnership", "Practice"],
    "hsc-children-families": ["Families", "Children's Services", "Family Support"],
    "hsc-disability": ["Disability Support", "Independent Living", "Support"],
    "hsc-carers": ["Carers", "Carers Support"],
    "hsc-housing-support": ["Supported Living", "Housing Support"],
    "hsc-wellbeing-prevention": ["Wellbeing", "Community Wellbeing", "Social Prescribing"],
    "hsc-specialist-hospital": ["Specialist Care", "Clinical Services"],
}
STATUS_WEIGHTS = {ListingStatus.PUBLISHED.value: 96, ListingStatus.DRAFT.value: 2, ListingStatus.WITHDRAWN.value: 2}
LOCATION_COUNTS = ([1, 2, 3], [70, 20, 10])
SERVICE_AREA_COUNTS = ([1, 2, 3, 4, 5], [35, 25, 20, 10, 10])


@dataclass
class Vocabulary:
    """The reference vocabularies as loaded in the database, with labels for the index's documents."""

    legal_forms: dict[str, str]
    governance_models: dict[str, str]
    regions: set[str]
    service_labels: dict[str, str]
    service_parents: dict[str, str | None]
    leaves_by_group: dict[str, list[str]]

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        parents: dict[str, str | None] = dict(session.execute(select(ServiceType.code, ServiceType.parent_code)).all())
        leaves: dict[str, list[str]] = defaultdict(list)
        for code, parent in sorted(parents.items()):
            if parent is not None:
                leaves[parent].append(code)
        return cls(
            legal_forms=dict(
                session.execute(select(LegalForm.code, LegalForm.label).order_by(LegalForm.position)).all()
            ),
            governance_models=dict(
                session.execute(
                    select(GovernanceModel.code, GovernanceModel.label).order_by(GovernanceModel.position)
                ).all()
            ),
            regions=set(session.scalars(select(Region.code))),
            service_labels=dict(session.execute(select(ServiceType.code, ServiceType.label)).all()),
            service_parents=parents,
            leaves_by_group=dict(leaves),
        )


@dataclass
class Geography:
    """Live, located postcodes in UK regions (in postcode order), and local authorities with their neighbours."""

    pcd: list[str]
    latitude: list[float]
    longitude: list[float]
    lad: list[str]
    region: list[str]
    by_lad: dict[str, list[int]]
    lad_names: dict[str, str]
    neighbours: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, regions: set[str]) -> Geography:
        # Two to three million rows: read through the driver's own cursor, which is several times quicker
        # than building SQLAlchemy rows.
        cursor = session.connection().connection.cursor()
        cursor.execute(
            "SELECT pcd, latitude, longitude, lad_code, region_code FROM gazetteer_postcode"
            " WHERE latitude IS NOT NULL AND NOT terminated AND lad_code IS NOT NULL ORDER BY pcd"
        )
        rows = [row for row in cursor.fetchall() if row[4] in regions]
        cursor.close()
        if not rows:
            raise SystemExit("The gazetteer has no located postcodes: build it first")
        pcd, latitude, longitude, lad, region = (list(column) for column in zip(*rows, strict=True))
        del rows
        by_lad: dict[str, list[int]] = defaultdict(list)
        for index, code in enumerate(lad):
            by_lad[code].append(index)
        authorities = session.execute(
            select(LocalAuthority.code, LocalAuthority.name, LocalAuthority.latitude, LocalAuthority.longitude)
        ).all()
        geography = cls(
            pcd=pcd,
            latitude=latitude,
            longitude=longitude,
            lad=lad,
            region=region,
            by_lad=dict(by_lad),
            lad_names={a.code: a.name for a in authorities},
        )
        located = [a for a in authorities if a.latitude is not None and a.code in by_lad]
        for a in located:
            k = math.cos(math.radians(a.latitude))
            nearest = sorted(
                located, key=lambda b: (b.latitude - a.latitude) ** 2 + ((b.longitude - a.longitude) * k) ** 2
            )
            geography.neighbours[a.code] = [b.code for b in nearest[:8]]
        # Millions of long-lived objects: keep the garbage collector from walking them again and again while
        # the loader makes its short-lived ones (which made loading grow faster than the listing count).
        gc.freeze()
        return geography

    @staticmethod
    def display_postcode(pcd: str) -> str:
        return f"{pcd[:-3].strip()} {pcd[-3:]}"


def _choice(rng: random.Random, options: tuple[list[str], list[float]]) -> str:
    return rng.choices(options[0], options[1])[0]


def _maybe(rng: random.Random, value: Any, known: float = 0.75) -> Any:
    return value if rng.random() < known else None


def synthetic_listing(rng: random.Random, number: int, vocab: Vocabulary, geo: Geography) -> dict[str, Any]:
    """One listing as plain data (the ``apply_listing_data`` shape), with its slug."""
    forms = _weighted(LEGAL_FORM_WEIGHTS, list(vocab.legal_forms))
    governance_options = _weighted(GOVERNANCE_WEIGHTS, list(vocab.governance_models))
    groups = _weighted(SERVICE_GROUP_WEIGHTS, list(vocab.leaves_by_group), other=1)

    form = _choice(rng, forms)
    governance = _choice(rng, governance_options)
    first = rng.randrange(len(geo.pcd))
    lad = geo.lad[first]
    town = geo.lad_names.get(lad, "Local")

    group_codes = [_choice(rng, groups)]
    service_count = rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
    codes: list[str] = []
    while len(codes) < service_count:
        group = group_codes[-1] if rng.random() < 0.6 else _choice(rng, groups)
        code = rng.choice(vocab.leaves_by_group[group])
        if code not in codes:
            codes.append(code)
    main_group = vocab.service_parents[codes[0]] or codes[0]

    name_parts = ["Synthetic"]
    if rng.random() < 0.55:
        name_parts.append(town)
    name_parts += [rng.choice(GROUP_WORDS.get(main_group, ["Care"])), FORM_WORDS.get(form, "Co-operative")]
    name = " ".join(name_parts) + f" {number:06d}"

    locations = []
    location_count = rng.choices(*LOCATION_COUNTS)[0]
    for position in range(location_count):
        index = first if position == 0 else rng.choice(geo.by_lad[lad])
        locations.append(
            {
                "name": "Registered office" if position == 0 else f"Synthetic site {position}",
                "address": f"{rng.randint(1, 250)} Synthetic Street, {town}",
                "postcode": geo.display_postcode(geo.pcd[index]),
                "latitude": geo.latitude[index],
                "longitude": geo.longitude[index],
                "local_authority_code": geo.lad[index],
                "region_code": geo.region[index],
                "is_registered_office": position == 0,
            }
        )
    area_count = rng.choices(*SERVICE_AREA_COUNTS)[0]
    area_codes = geo.neighbours.get(lad, [lad])[:area_count]
    described = town if area_count == 1 else f"{town} and neighbouring areas"
    service_areas = [
        {
            "described_as": described,
            "local_authorities": [{"code": code, "name": geo.lad_names.get(code, code)} for code in area_codes],
        }
    ]

    member_classes, board_seats = _member_structure(rng, governance)
    lock = ASSET_LOCK_BY_FORM.get(form)
    if lock is None and form in {"co_operative_society", "company_limited_by_guarantee", "community_benefit_society"}:
        lock = rng.choices(
            ["constitutional", "cbs_statutory", "none", None], [40, 10 if "benefit" in form else 0, 15, 35]
        )[0]
    basis = {"co_operative_society": "patronage", "company_limited_by_shares": "capital"}.get(form)
    documented = rng.random() < 0.5
    if documented and basis is None and lock is not None:
        basis = "none"
    controls = []
    if rng.random() < 0.12:
        controls.append(
            rng.choice(
                [
                    {
                        "name": "Synthetic Employee Ownership Trust",
                        "natures_of_control": ["ownership-of-shares-75-to-100-percent"],
                        "is_employee_trust": True,
                        "is_for_profit": False,
                    },
                    {
                        "name": "Synthetic Care Group plc",
                        "natures_of_control": [
                            "ownership-of-shares-75-to-100-percent",
                            "right-to-appoint-and-remove-directors",
                        ],
                        "is_for_profit": True,
                    },
                    {
                        "name": "Synthetic Borough Council",
                        "natures_of_control": ["ownership-of-shares-25-to-50-percent"],
                        "is_public_body": True,
                        "is_for_profit": False,
                    },
                ]
            )
        )
    # About half the listings are well documented (trading income, public-body status and control known);
    # the rest leave the validator to say it needs information, as real listings often do.
    details: dict[str, Any] = {
        "delivers_public_services": _maybe(rng, rng.random() < 0.8),
        "membership_open": _maybe(rng, rng.random() < 0.8, known=0.5),
        "profits": {"distribution_cap_pct": 35.0} if lock == "cic_statutory" else {},
    }
    if documented:
        details["is_public_body"] = form in {"nhs_trust", "nhs_foundation_trust"}
        if not controls:
            details["significant_control"] = []
    service_labels = [vocab.service_labels[code].lower() for code in codes]
    description = (
        f"Synthetic listing for benchmarks, not a real organisation: a {vocab.governance_models[governance].lower()} "
        f"providing {', '.join(service_labels)} in {town}."
    )
    return {
        "slug": f"synthetic-{number:06d}",
        "name": name,
        "legal_form": form,
        "governance_model": governance,
        "region": locations[0]["region_code"],
        "status": rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0],
        "provenance": SYNTHETIC,
        "description": description,
        "founded": str(rng.randint(1990, 2025)),
        "origin": {
            "type": rng.choices(["independent", "nhs_spin_out", "local_authority_spin_out", None], [45, 15, 10, 30])[0]
        },
        "size": {
            "employees": _maybe(rng, int(rng.lognormvariate(3.5, 1.2))),
            "year": 2025,
            "trading_income_pct": round(rng.uniform(45, 100), 1) if documented else None,
        },
        "financial_rules": {"asset_lock": lock, "distribution_basis": basis},
        "structure_details": details,
        "member_classes": member_classes,
        "board_seats": board_seats,
        "significant_controls": controls,
        "services": [{"code": code, "description": ""} for code in codes],
        "service_areas": service_areas,
        "locations": locations,
    }


def _member_structure(rng: random.Random, governance: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Member classes and board seats; a quarter of listings have neither known (the validator then asks)."""
    options = MEMBERS_BY_GOVERNANCE.get(governance, [])
    if not options or rng.random() < 0.25:
        return [], []
    count = rng.randint(1, len(options)) if len(options) > 1 else 1
    chosen = [options[0], *rng.sample(options[1:], count - 1)] if count > 1 else [options[0]]
    classes = [
        {
            "name": name,
            "kind": kind,
            "count": _maybe(rng, rng.randint(5, 2000)),
            "voting_rule": _maybe(rng, "capped_share" if kind == "investor" else "one_member_one_vote"),
            "vote_share_pct": rng.choice([5.0, 10.0, 20.0]) if kind == "investor" else None,
        }
        for kind, name in chosen
    ]
    if rng.random() < 0.3:
        return classes, []
    seats = [
        {"role": "Elected director", "source": "elected_by_class", "elected_by": c["name"], "seats": rng.randint(1, 4)}
        for c in classes
    ]
    if rng.random() < 0.5:
        seats.append({"role": "Independent director", "source": "independent", "seats": rng.randint(1, 2)})
    if rng.random() < 0.2:
        seats.append({"role": "Executive director", "source": "executive", "seats": rng.randint(1, 2)})
    return classes, seats


def synthetic_listings(
    seed: int, start: int, count: int, vocab: Vocabulary, geo: Geography
) -> Iterator[dict[str, Any]]:
    """Listings numbered ``start`` to ``start + count - 1``; listing n is the same for a seed whatever the batch."""
    for number in range(start, start + count):
        yield synthetic_listing(random.Random(f"{seed}:{number}"), number, vocab, geo)


# ---------------------------------------------------------------------------------------------------
# Loading in bulk


@dataclass
class LoadReport:
    listings: int = 0
    published: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    verdicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add_time(self, step: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[step] += now - started
        return now


# Model classes in insertion order (parents first), and which of them get ids from us rather than the database.
_TABLES: list[type[Any]] = [
    Organisation,
    MemberClass,
    BoardSeat,
    SignificantControl,
    Service,
    ServiceArea,
    Location,
    Assessment,
]
_OWN_IDS = {Organisation, MemberClass}


def _table_row(obj: Any, table: Table, defaults_at: datetime, with_id: bool) -> dict[str, Any]:
    """The row a model object would be flushed as, with column defaults applied as the ORM would."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id" and not with_id:
            continue
        value = getattr(obj, column.key)
        if value is None and column.default is not None:
            default = column.default
            if getattr(default, "is_callable", False):
                value = default.arg(None)  # type: ignore[attr-defined]
            elif getattr(default, "is_scalar", False):
                value = default.arg  # type: ignore[attr-defined]
        if column.key in {"created_at", "updated_at", "assessed_at"}:
            value = defaults_at
        row[column.key] = value
    return row


def load_synthetic_listings(
    session: Session,
    count: int,
    seed: int = 2026,
    batch_size: int = 2000,
    reports_every: int = 100,
    progress: bool = True,
) -> LoadReport:
    """Add ``count`` synthetic listings after those already there, assessed and indexed; commits each batch."""
    report = LoadReport()
    started = time.perf_counter()
    vocab = Vocabulary.load(session)
    geo = Geography.load(session, vocab.regions)
    labels = {
        "legal_form": {code: LegalForm(code=code, label=label) for code, label in vocab.legal_forms.items()},
        "governance": {
            code: GovernanceModel(code=code, label=label) for code, label in vocab.governance_models.items()
        },
        "service": {code: ServiceType(code=code, label=label) for code, label in vocab.service_labels.items()},
    }
    started = report.add_time("read gazetteer and vocabularies", started)
    dialect = session.get_bind().dialect.name
    next_org = (session.scalar(select(func.max(Organisation.id))) or 0) + 1
    next_class = (session.scalar(select(func.max(MemberClass.id))) or 0) + 1
    first_number = next_org
    now = datetime.now(UTC)

    for batch_start in range(first_number, first_number + count, batch_size):
        size = min(batch_size, first_number + count - batch_start)
        orgs: list[Organisation] = []
        for data in synthetic_listings(seed, batch_start, size, vocab, geo):
            org = Organisation(slug=data.pop("slug"))
            apply_listing_data(session, org, data)
            org.id = next_org
            next_org += 1
            for member_class in org.member_classes:
                member_class.id = next_class
                next_class += 1
            org.legal_form = labels["legal_form"].get(org.legal_form_code or "")
            org.governance_model = labels["governance"].get(org.governance_model_code or "")
            for service in org.services:
                service.service_type = labels["service"][service.service_type_code]
            if org.status == ListingStatus.PUBLISHED:
                org.published_at = now
            orgs.append(org)
        started = report.add_time("generate", started)

        basis = rules_basis()
        for org in orgs:
            keep_report = org.id % reports_every == 0
            org.assessments = [
                Assessment(
                    ruleset_id=a.ruleset_id,
                    verdict=a.verdict.value,
                    report=a.to_dict() if keep_report else {},
                    organisation_version=1,
                    basis=basis,
                )
                for a in assess_all(listing_facts(org))
            ]
            verdict = next(a.verdict for a in org.assessments if a.ruleset_id == PREFERRED_PROVIDER_RULESET)
            report.verdicts[verdict] += 1
        started = report.add_time("assess (validator)", started)

        rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in _TABLES}
        for org in orgs:
            children: list[tuple[type[Any], list[Any]]] = [
                (MemberClass, org.member_classes),
                (BoardSeat, org.board_seats),
                (SignificantControl, org.significant_controls),
                (Service, org.services),
                (ServiceArea, org.service_areas),
                (Location, org.locations),
                (Assessment, org.assessments),
            ]
            rows[Organisation].append(_table_row(org, Organisation.__table__, now, with_id=True))
            for model, objects in children:
                for obj in objects:
                    obj.organisation_id = org.id
                    if model is BoardSeat and obj.elected_by is not None:
                        obj.elected_by_id = obj.elected_by.id
                    rows[model].append(_table_row(obj, model.__table__, now, with_id=model in _OWN_IDS))
        started = report.add_time("make rows", started)
        for model in _TABLES:
            if rows[model]:
                session.execute(insert(model.__table__), rows[model])
        started = report.add_time("insert listings", started)
        report.published += add_to_index(session, orgs, vocab.service_parents)
        started = report.add_time("index", started)
        session.commit()
        started = report.add_time("commit", started)
        report.listings += size
        if progress:
            print(f"  {report.listings:,} of {count:,} listings", end="\r", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)

    if dialect == "postgresql":
        for table in ("organisation", "member_class"):
            # Table names are ours, not input.
            setval = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            session.execute(text(setval))
        session.commit()
    started = time.perf_counter()
    analyse(session)
    report.add_time("analyse", started)
    return report


def analyse(session: Session) -> None:
    """Refresh the planner's statistics, as autovacuum would on PostgreSQL and ``PRAGMA optimize`` on SQLite."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:  # type: ignore[union-attr]
            connection.execute(text("VACUUM ANALYZE"))
    else:
        session.execute(text("ANALYZE"))
        session.commit()


# ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1500, help="listings to add (default 1,500)")
    parser.add_argument("--database-url", help="default: sqlite:///bench/out/synthetic-COUNT.db")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reports-every", type=int, default=100, help="keep the full report of one listing in N")
    parser.add_argument(
        "--gazetteer-areas", help="build only these postcode areas, like S,DE,LS (default: the whole UK, ~30 s)"
    )
    args = parser.parse_args()
    url = args.database_url or default_database_url(args.count)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    app = bench_app(url)
    areas = args.gazetteer_areas.split(",") if args.gazetteer_areas else None
    for step, seconds in prepare_database(app, areas).items():
        print(f"{step}: {seconds:.1f} s")
    with app.app_context():
        already = check_synthetic_only(db.session)
        started = time.perf_counter()
        report = load_synthetic_listings(db.session, args.count, args.seed, reports_every=args.reports_every)
        elapsed = time.perf_counter() - started
        print(
            f"{report.listings:,} listings ({report.published:,} published) added to {already:,} in {elapsed:.1f} s: "
            + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.seconds.items())
        )
        print("preferred-provider verdicts:", dict(report.verdicts))
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
