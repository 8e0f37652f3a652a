"""A listing: an organisation with its identifiers, member structure, board, services, places and sources.

Organisations are never deleted: withdrawing or suspending a listing changes its status, and every change
is kept as a ``Revision``. ``version`` makes concurrent edits fail loudly instead of overwriting each other.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.vocabulary import (
    AssetLock,
    BoardSeatSource,
    DissolutionClause,
    DistributionBasis,
    Origin,
    SpinOutProgramme,
    VotingRule,
)
from registry.extensions import Model
from registry.models._types import created_at_column, non_negative, one_of, percentage, updated_at_column
from registry.models.reference import GovernanceModel, IdentifierScheme, LegalForm, MemberClassKind, Region, ServiceType


def _owned_rows(order_by: str) -> Any:
    """A listing's rows of one kind: they belong to it alone, so they go when it goes or when taken off it."""
    return relationship(back_populates="organisation", cascade="all, delete-orphan", order_by=order_by)


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"


class RegisteredStatus(StrEnum):
    ACTIVE = "active"
    DISSOLVED = "dissolved"


class ListingProvenance(StrEnum):
    SEED = "seed"
    SELF_REGISTERED = "self_registered"
    IMPORTED = "imported"
    SYNTHETIC = "synthetic"


# The lists of records a listing's data holds (seed files, forms, imports and exports all carry them whole).
LISTING_RECORD_LISTS = (
    "identifiers",
    "member_classes",
    "board_seats",
    "significant_controls",
    "services",
    "service_areas",
    "locations",
    "sources",
)


class Organisation(Model):
    __tablename__ = "organisation"
    __table_args__ = (
        one_of("status", ListingStatus, "status_valid"),
        one_of("verification", Verification, "verification_valid"),
        one_of("registered_status", RegisteredStatus, "registered_status_valid"),
        one_of("provenance", ListingProvenance, "provenance_valid"),
        one_of("origin", Origin, "origin_valid"),
        one_of("origin_programme", SpinOutProgramme, "origin_programme_valid"),
        one_of("asset_lock", AssetLock, "asset_lock_valid"),
        one_of("distribution_basis", DistributionBasis, "distribution_basis_valid"),
        one_of("dissolution_clause", DissolutionClause, "dissolution_clause_valid"),
        non_negative("employees"),
        non_negative("members"),
        non_negative("turnover_gbp"),
        non_negative("members_registered_societies"),
        non_negative("charity_trustees"),
        non_negative("charity_trustees_paid"),
        percentage("trading_income_pct"),
        percentage("dividend_cap_pct"),
        percentage("share_interest_cap_pct"),
        percentage("profits_reinvested_pct"),
        CheckConstraint(
            "cic_asset_lock_schedule IS NULL OR cic_asset_lock_schedule IN (1, 2, 3)",
            name="cic_asset_lock_schedule_valid",
        ),
        CheckConstraint(
            "charity_trustees_paid IS NULL OR charity_trustees IS NULL OR charity_trustees_paid <= charity_trustees",
            name="charity_trustees_paid_at_most_all",
        ),
        Index("ix_organisation_status_name", "status", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    trading_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_form_code: Mapped[str | None] = mapped_column(ForeignKey("legal_form.code"), index=True)
    governance_model_code: Mapped[str | None] = mapped_column(ForeignKey("governance_model.code"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ListingStatus.DRAFT)
    verification: Mapped[str] = mapped_column(String(20), default=Verification.UNVERIFIED)
    registered_status: Mapped[str] = mapped_column(String(20), default=RegisteredStatus.ACTIVE)
    dissolved_on: Mapped[str | None] = mapped_column(String(10))
    # The organisation that took this one over, as a source names it (a closed listing's successor).
    merged_into: Mapped[str | None] = mapped_column(String(300))
    provenance: Mapped[str] = mapped_column(String(20), default=ListingProvenance.SELF_REGISTERED)
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    website: Mapped[str | None] = mapped_column(String(300), info={"web_address": True})
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Partial ISO dates (YYYY, YYYY-MM or YYYY-MM-DD): sources often give only a month or a year.
    founded: Mapped[str | None] = mapped_column(String(10))

    origin: Mapped[str | None] = mapped_column(String(40))
    origin_parent_body: Mapped[str | None] = mapped_column(String(300))
    origin_programme: Mapped[str | None] = mapped_column(String(40))
    spun_out: Mapped[str | None] = mapped_column(String(10))

    employees: Mapped[int | None] = mapped_column(Integer)
    members: Mapped[int | None] = mapped_column(Integer)
    size_year: Mapped[int | None] = mapped_column(Integer)
    turnover_gbp: Mapped[int | None] = mapped_column(Integer)
    turnover_year: Mapped[int | None] = mapped_column(Integer)
    trading_income_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Members that are themselves registered societies: two are enough for a society (CCBSA 2014 s2(2)(b)).
    members_registered_societies: Mapped[int | None] = mapped_column(Integer)
    is_public_body: Mapped[bool | None] = mapped_column(Boolean)
    # False says no person or body has significant control (an empty register), which the validator reads as
    # a fact; None says it is not known. Listed controllers mean True.
    has_significant_control: Mapped[bool | None] = mapped_column(Boolean)
    # A charity's trustees, and those paid by it or connected with someone who is (Charities Act 2011 s185).
    charity_trustees: Mapped[int | None] = mapped_column(Integer)
    charity_trustees_paid: Mapped[int | None] = mapped_column(Integer)

    asset_lock: Mapped[str | None] = mapped_column(String(40))
    # Where the rules send residual assets on dissolution, apart from any asset lock.
    dissolution_clause: Mapped[str | None] = mapped_column(String(40))
    # The Schedule (1, 2 or 3) of the CIC Regulations 2005 a CIC's articles adopt for its asset lock.
    cic_asset_lock_schedule: Mapped[int | None] = mapped_column(Integer)
    distribution_basis: Mapped[str | None] = mapped_column(String(40))
    dividend_cap_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    share_interest_cap_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # The share of the latest year's profits kept for its purpose rather than paid out.
    profits_reinvested_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Facts the validator reads for particular legal forms (Foundation Trust councils, employee
    # ownership trusts) and any others it learns later; their shape is the validator's facts schema.
    structure_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # SHA-256 of the external data (seed file entry, imported row) last applied, so that loading the same
    # data again changes nothing.
    source_digest: Mapped[str | None] = mapped_column(String(64))

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __mapper_args__ = {"version_id_col": version}

    legal_form: Mapped[LegalForm | None] = relationship(lazy="joined")
    governance_model: Mapped[GovernanceModel | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    identifiers: Mapped[list[Identifier]] = _owned_rows("Identifier.scheme_code")
    member_classes: Mapped[list[MemberClass]] = _owned_rows("MemberClass.position")
    board_seats: Mapped[list[BoardSeat]] = _owned_rows("BoardSeat.position")
    significant_controls: Mapped[list[SignificantControl]] = _owned_rows("SignificantControl.position")
    services: Mapped[list[Service]] = _owned_rows("Service.position")
    service_areas: Mapped[list[ServiceArea]] = _owned_rows("ServiceArea.name")
    locations: Mapped[list[Location]] = _owned_rows("Location.position")
    sources: Mapped[list[Source]] = _owned_rows("Source.position")
    assessments: Mapped[list[Assessment]] = _owned_rows("Assessment.ruleset_id")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="organisation", order_by="Revision.number", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Identifier(Model):
    """An identifier in an org-id scheme (GB-COH, GB-MPR, ...), unique within its scheme."""

    __tablename__ = "identifier"
    __table_args__ = (UniqueConstraint("scheme_code", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    scheme_code: Mapped[str] = mapped_column(ForeignKey("identifier_scheme.code"))
    value: Mapped[str] = mapped_column(String(60))

    organisation: Mapped[Organisation] = relationship(back_populates="identifiers")
    scheme: Mapped[IdentifierScheme] = relationship(lazy="joined")


class MemberClass(Model):
    __tablename__ = "member_class"
    __table_args__ = (
        one_of("voting_rule", VotingRule, "voting_rule_valid"),
        non_negative("member_count"),
        percentage("vote_share_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    kind_code: Mapped[str] = mapped_column(ForeignKey("member_class_kind.code"))
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1000})
    member_count: Mapped[int | None] = mapped_column(Integer)
    voting_rule: Mapped[str | None] = mapped_column(String(40))
    vote_share_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    # Which decisions the class votes on: ordinary, special, board_election, conversion (None: unknown).
    votes_on: Mapped[list[str] | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship(back_populates="member_classes")
    kind: Mapped[MemberClassKind] = relationship(lazy="joined")


class BoardSeat(Model):
    """One kind of seat on the board and how many of them there are."""

    __tablename__ = "board_seat"
    __table_args__ = (
        one_of("source", BoardSeatSource, "source_valid"),
        non_negative("seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str | None] = mapped_column(String(40))
    elected_by_id: Mapped[int | None] = mapped_column(ForeignKey("member_class.id", ondelete="SET NULL"))
    # Elected by every member, whatever their class (no one class elects it).
    whole_membership: Mapped[bool | None] = mapped_column(Boolean)
    appointed_by: Mapped[str | None] = mapped_column(String(200))
    appointer_is_public_body: Mapped[bool | None] = mapped_column(Boolean)
    # What kind of body appoints an appointed seat (an investor, a local authority ...), as member kinds are coded.
    appointer_kind_code: Mapped[str | None] = mapped_column(ForeignKey("member_class_kind.code"))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    is_non_executive: Mapped[bool | None] = mapped_column(Boolean)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship(back_populates="board_seats")
    elected_by: Mapped[MemberClass | None] = relationship()


class SignificantControl(Model):
    """A person or body with significant control (Companies House PSC register)."""

    __tablename__ = "significant_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    # Companies House natures of control, e.g. "ownership-of-shares-75-to-100-percent".
    natures_of_control: Mapped[list[str] | None] = mapped_column(JSON)
    # Whether the person or body is one of the organisation's own members.
    is_member: Mapped[bool | None] = mapped_column(Boolean)
    is_for_profit: Mapped[bool | None] = mapped_column(Boolean)
    is_public_body: Mapped[bool | None] = mapped_column(Boolean)
    is_employee_trust: Mapped[bool | None] = mapped_column(Boolean)
    is_asset_locked: Mapped[bool | None] = mapped_column(Boolean)

    organisation: Mapped[Organisation] = relationship(back_populates="significant_controls")


class Service(Model):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("organisation_id", "service_type_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    service_type_code: Mapped[str] = mapped_column(ForeignKey("service_type.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})

    organisation: Mapped[Organisation] = relationship(back_populates="services")
    service_type: Mapped[ServiceType] = relationship(lazy="joined")


class ServiceArea(Model):
    """A local authority area the organisation serves: how commissioners search for coverage."""

    __tablename__ = "service_area"
    __table_args__ = (UniqueConstraint("organisation_id", "local_authority_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    local_authority_code: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The area as the source or the organisation names it ("Derbyshire", "South Yorkshire"), when that is
    # wider than one local authority district: it is stored as the districts it covers.
    described_as: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="service_areas")


class Location(Model):
    __tablename__ = "location"
    __table_args__ = (Index("ix_location_lat_lon", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="", info={"max_length": 500})
    postcode: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    local_authority_code: Mapped[str | None] = mapped_column(String(9), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    is_registered_office: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship(back_populates="locations")


class Source(Model):
    """Where a listing's facts come from."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500), info={"web_address": True})
    published: Mapped[str | None] = mapped_column(String(10))
    licence: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    # The listing's facts this source supports, by their keys in the listing data ("legal_form",
    # "locations"...); None when the source does not say (a person's own edits).
    facts: Mapped[list[str] | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship(back_populates="sources")


class Assessment(Model):
    """The validator's stored verdict on one rule set, recomputed whenever the listing changes."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("organisation_id", "ruleset_id"),
        Index("ix_assessment_ruleset_verdict", "ruleset_id", "verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    ruleset_id: Mapped[str] = mapped_column(String(60))
    verdict: Mapped[str] = mapped_column(String(30))
    # The whole assessment as the validator reports it: rule set title and version, the verdict's reason,
    # and every finding with its source.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    organisation_version: Mapped[int] = mapped_column(Integer)
    # The rule sets and validator code the verdict was made with (``rules_basis()``); another basis means
    # the verdict is out of date and is made again.
    basis: Mapped[str | None] = mapped_column(String(16))
    assessed_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship(back_populates="assessments")


class Revision(Model):
    """An append-only snapshot of a listing after each change."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("organisation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
    author: Mapped[str] = mapped_column(String(254))
    summary: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship(back_populates="revisions")
