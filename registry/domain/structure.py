"""The facts about an organisation's member structure that the validator assesses.

Facts are frozen dataclasses, built from a listing or from the ``/check`` form. Every field may be unknown
(``None``): the validator answers "needs information" for what it cannot decide, and never guesses.
``registry.domain.structure_json`` reads and writes them as JSON-like dicts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from registry.domain.language import ngettext
from registry.domain.vocabulary import (
    AssetLock,
    BoardSeatSource,
    DissolutionClause,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
    SpinOutProgramme,
    VoteDecision,
    VotingRule,
)

MAX_TEXT = 300
MAX_ROWS = 200
MAX_COUNT = 1_000_000_000  # members, seats, employees: more than any UK organisation has, and fits a 32-bit column

# Field metadata for a fact a finding never asks for (see ``validator.tracing``): a label, which names a member
# class, a seat's appointer or a controller for people to read, and decides no rule.
NOT_ASKED: Mapping[str, bool] = {"asked": False}


@dataclass(frozen=True, slots=True)
class MemberClassFacts:
    """One class of members (staff, service users, investors ...) and how its votes count.

    ``vote_share_pct`` is the class's fixed share of all votes when ``voting_rule`` is ``weighted_share``,
    or the ceiling on its votes when ``capped_share``. ``votes_on`` lists the decisions the class votes on
    when the rules restrict it; ``None`` means the rules were not described.
    """

    name: str | None = field(default=None, metadata=NOT_ASKED)
    kind: MemberClassKind | None = None
    count: int | None = None
    voting_rule: VotingRule | None = None
    vote_share_pct: float | None = None
    votes_on: frozenset[VoteDecision] | None = None


@dataclass(frozen=True, slots=True)
class BoardSeatFacts:
    """One seat, or ``seats`` identical seats, on the board and how they are filled.

    ``member_class`` is the index (in ``StructureFacts.member_classes``) of the class that elects the seat;
    ``whole_membership`` marks an elected seat that every member votes for, whatever their class (the
    classes' shares of the board election votes then decide whose seat it is).
    ``appointer_kind`` says what kind of body appoints an appointed seat (an investor, a local authority ...).
    """

    source: BoardSeatSource | None = None
    seats: int | None = 1
    member_class: int | None = None
    whole_membership: bool | None = None
    appointer: str | None = field(default=None, metadata=NOT_ASKED)
    appointer_is_public_body: bool | None = None
    appointer_kind: MemberClassKind | None = None
    is_chair: bool | None = None
    is_non_executive: bool | None = None


@dataclass(frozen=True, slots=True)
class ProfitRules:
    """How the organisation may use its profits, capital and assets.

    ``distribution_cap_pct`` is the most of a year's distributable profits the rules allow to be paid to
    members or investors. ``max_shareholding_gbp`` is the most any one member (other than a registered
    society) may hold in withdrawable shares. The three ``*_gbp`` amounts and ``profits_reinvested_pct`` (the
    share of its profits actually kept for its purpose rather than paid out) describe the latest financial
    year. ``dissolution_clause`` is where its rules send residual assets, whatever its asset lock says;
    ``cic_asset_lock_schedule`` is the Schedule (1, 2 or 3) of the CIC Regulations 2005 a CIC's articles adopt.
    """

    asset_lock: AssetLock | None = None
    dissolution_clause: DissolutionClause | None = None
    cic_asset_lock_schedule: int | None = None
    distribution_basis: DistributionBasis | None = None
    distribution_cap_pct: float | None = None
    distributions_only_to_members: bool | None = None
    pays_share_interest: bool | None = None
    share_interest_cap_pct: float | None = None
    min_shareholding_gbp: float | None = None
    max_shareholding_gbp: float | None = None
    distributable_profits_gbp: float | None = None
    dividends_declared_gbp: float | None = None
    dividends_exempt_gbp: float | None = None
    profits_reinvested_pct: float | None = None


@dataclass(frozen=True, slots=True)
class SignificantControl:
    """A person with significant control (PSC), as Companies House records them.

    ``natures_of_control`` are Companies House codes such as ``ownership-of-shares-75-to-100-percent`` or
    ``right-to-appoint-and-remove-directors``. ``is_member`` says whether the person is one of the
    organisation's own members (a worker in a small co-operative often is).
    """

    name: str | None = field(default=None, metadata=NOT_ASKED)
    natures_of_control: tuple[str, ...] | None = None
    is_member: bool | None = None
    is_for_profit: bool | None = None
    is_public_body: bool | None = None
    is_employee_trust: bool | None = None
    is_asset_locked: bool | None = None


@dataclass(frozen=True, slots=True)
class FoundationTrustFacts:
    """The council of governors and finances of an NHS foundation trust (NHS Act 2006 Sch 7, s43)."""

    governors_total: int | None = None
    public_governors_elected: int | None = None
    patient_governors_elected: int | None = None
    staff_governors_elected: int | None = None
    staff_class_governors: tuple[int, ...] | None = None
    local_authority_governors: int | None = None
    has_medical_or_dental_school: bool | None = None
    university_governors: int | None = None
    longest_ned_tenure_years: float | None = None
    nhs_income_pct: float | None = None


@dataclass(frozen=True, slots=True)
class EmployeeOwnershipFacts:
    """An employee ownership trust's holding and the company's participators (TCGA 1992 ss236H-236U).

    ``participators`` counts employees and office-holders who are participators, plus employees connected
    with them (NP); ``employees`` counts all employees of the company or group (NE).
    """

    trustee_shares_pct: float | None = None
    trustee_votes_pct: float | None = None
    trustee_profits_pct: float | None = None
    trustee_assets_pct: float | None = None
    defeating_provisions: bool | None = None
    is_trading_company: bool | None = None
    all_employees_same_terms: bool | None = None
    participators: int | None = None
    employees: int | None = None
    trustees_total: int | None = None
    trustees_connected_to_former_owners: int | None = None
    trustees_uk_resident: bool | None = None
    disposal_date: date | None = None


@dataclass(frozen=True, slots=True)
class CharityFacts:
    """A charity's trustees: how many there are, and how many are paid by it (or connected with someone who is)
    for goods or services (Charities Act 2011 s185)."""

    trustees_total: int | None = None
    trustees_paid: int | None = None


@dataclass(frozen=True, slots=True)
class StructureFacts:
    """Everything the validator may use about one organisation's structure.

    ``declarations`` holds the ids of rules the organisation declares it meets where no structured fact can
    show it (the co-operative principles of education and concern for community, for example).
    ``members_registered_societies`` counts the members that are themselves registered societies (two such
    members are enough for a society: CCBSA 2014 s2(2)(b)).
    """

    name: str | None = None
    legal_form: LegalForm | None = None
    origin: Origin | None = None
    spin_out_programme: SpinOutProgramme | None = None
    spin_out_date: date | None = None
    parent_body: str | None = None
    is_public_body: bool | None = None
    registered_charity: bool | None = None
    delivers_public_services: bool | None = None
    member_benefit_only: bool | None = None
    membership_open: bool | None = None
    all_employees_eligible: bool | None = None
    members_total: int | None = None
    members_registered_societies: int | None = None
    trading_income_pct: float | None = None
    member_classes: tuple[MemberClassFacts, ...] | None = None
    board_seats: tuple[BoardSeatFacts, ...] | None = None
    profits: ProfitRules | None = None
    significant_control: tuple[SignificantControl, ...] | None = None
    foundation_trust: FoundationTrustFacts | None = None
    employee_ownership: EmployeeOwnershipFacts | None = None
    charity: CharityFacts | None = None
    declarations: frozenset[str] | None = field(default=None)


class StructureFactsError(ValueError):
    """The dict could not be read as facts. ``errors`` maps each invalid field's path to what to enter."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        count = len(self.errors)
        super().__init__(ngettext("%(num)s field needs correcting", "%(num)s fields need correcting", count))


# Companies House "natures of control": a band of shares, votes or LLP surplus assets; the right to appoint
# or remove a board majority; or significant influence. The suffixes (-as-trust, -as-firm, LLP and overseas
# entity variants) do not change what the nature means for our rules.
_BAND_NATURE = re.compile(
    r"^(ownership-of-shares|voting-rights|right-to-share-surplus-assets)-(25-to-50|50-to-75|75-to-100|more-than-25)"
    r"-percent(-[a-z-]+)?$"
)
_APPOINT_NATURE = re.compile(r"^right-to-appoint-and-remove-(directors|members|person)(-[a-z-]+)?$")
_INFLUENCE_NATURE = re.compile(r"^significant-influence-or-control(-[a-z-]+)?$")
_BANDS: dict[str, tuple[float, float]] = {
    "25-to-50": (25.0, 50.0),
    "50-to-75": (50.0, 75.0),
    "75-to-100": (75.0, 100.0),
    "more-than-25": (25.0, 100.0),
}


@functools.lru_cache(maxsize=512)
def control_band(nature: str) -> tuple[float, float] | None:
    """The share band ``(more than low %, at most high %)`` a nature of control states, or ``None``."""
    match = _BAND_NATURE.match(nature)
    return _BANDS[match.group(2)] if match else None


@functools.lru_cache(maxsize=512)
def appoints_board_majority(nature: str) -> bool:
    """Whether a nature of control is the right to appoint or remove a majority of the board."""
    return _APPOINT_NATURE.match(nature) is not None


def is_nature_of_control(nature: str) -> bool:
    return bool(_BAND_NATURE.match(nature) or _APPOINT_NATURE.match(nature) or _INFLUENCE_NATURE.match(nature))
