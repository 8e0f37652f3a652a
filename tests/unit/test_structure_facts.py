"""Reading and writing member-structure facts: every invalid field reported at once, in plain English."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.structure import (
    BoardSeatFacts,
    MemberClassFacts,
    StructureFacts,
    StructureFactsError,
    appoints_board_majority,
    control_band,
)
from registry.domain.structure_json import facts_from_dict, facts_to_dict
from registry.domain.vocabulary import (
    AssetLock,
    BoardSeatSource,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
    SpinOutProgramme,
    VoteDecision,
    VotingRule,
)

MUTUAL_SUPPORT: dict[str, Any] = {
    "name": "Mutual Support",
    "legal_form": "co_operative_society",
    "origin": "independent",
    "is_public_body": False,
    "registered_charity": False,
    "member_classes": [
        {"name": "People who need support", "kind": "service_user", "count": 60, "voting_rule": "one_member_one_vote"},
        {"name": "Paid care staff", "kind": "staff", "count": 40, "voting_rule": "one_member_one_vote"},
        {
            "name": "Unpaid carers, friends and family",
            "kind": "carer",
            "count": 25,
            "voting_rule": "one_member_one_vote",
            "votes_on": ["ordinary", "board_election"],
        },
    ],
    "board_seats": [
        {"source": "elected_by_class", "member_class": "Paid care staff", "seats": 3},
        {"source": "elected_by_class", "member_class": 0, "seats": 3, "is_non_executive": True},
        {"source": "appointed", "appointer": "Kirklees Council", "appointer_is_public_body": True},
    ],
    "profits": {"asset_lock": "constitutional", "distribution_basis": "patronage", "max_shareholding_gbp": 1},
    "significant_control": [],
    "spin_out_date": "2011-04",
    "declarations": ["ICA-P5-P7"],
}


def test_a_complete_structure_is_read_into_typed_facts() -> None:
    facts = facts_from_dict(MUTUAL_SUPPORT)

    assert facts.legal_form is LegalForm.CO_OPERATIVE_SOCIETY
    assert facts.origin is Origin.INDEPENDENT
    assert facts.member_classes is not None
    assert [c.kind for c in facts.member_classes] == [
        MemberClassKind.SERVICE_USER,
        MemberClassKind.STAFF,
        MemberClassKind.CARER,
    ]
    assert facts.member_classes[2].votes_on == frozenset({VoteDecision.ORDINARY, VoteDecision.BOARD_ELECTION})
    assert facts.board_seats == (
        # Seats a named class elects are not elected by the whole membership, so nobody is asked that.
        BoardSeatFacts(source=BoardSeatSource.ELECTED_BY_CLASS, seats=3, member_class=1, whole_membership=False),
        BoardSeatFacts(
            source=BoardSeatSource.ELECTED_BY_CLASS,
            seats=3,
            member_class=0,
            whole_membership=False,
            is_non_executive=True,
        ),
        BoardSeatFacts(source=BoardSeatSource.APPOINTED, appointer="Kirklees Council", appointer_is_public_body=True),
    )
    assert facts.profits is not None
    assert facts.profits.asset_lock is AssetLock.CONSTITUTIONAL
    assert facts.profits.distribution_basis is DistributionBasis.PATRONAGE
    assert facts.profits.max_shareholding_gbp == 1.0
    assert facts.significant_control == ()
    assert facts.spin_out_date == date(2011, 4, 1)
    assert facts.declarations == frozenset({"ICA-P5-P7"})


def test_missing_and_null_fields_are_unknown() -> None:
    facts = facts_from_dict({"member_classes": [{}], "board_seats": [{"seats": None}, {}]})

    assert facts == StructureFacts(
        member_classes=(MemberClassFacts(),),
        board_seats=(BoardSeatFacts(seats=None), BoardSeatFacts(seats=1)),
    )
    assert facts_from_dict({}) == StructureFacts()


def test_an_empty_string_is_unknown_like_a_form_left_blank() -> None:
    facts = facts_from_dict({"legal_form": "", "members_total": "  ", "trading_income_pct": ""})

    assert facts == StructureFacts()


def test_form_style_strings_are_read_as_numbers_and_answers() -> None:
    facts = facts_from_dict({"members_total": "120", "trading_income_pct": "62.5%", "is_public_body": "no"})

    assert (facts.members_total, facts.trading_income_pct, facts.is_public_body) == (120, 62.5, False)


def test_facts_round_trip_through_a_plain_dict() -> None:
    facts = facts_from_dict(MUTUAL_SUPPORT)
    written = facts_to_dict(facts)

    assert json.loads(json.dumps(written)) == written
    assert facts_from_dict(written) == facts
    assert written["spin_out_date"] == "2011-04-01"
    assert written["member_classes"][2]["votes_on"] == ["board_election", "ordinary"]
    assert written["board_seats"][0]["member_class"] == 1


MEMBERS_MESSAGE = "Enter the number of members as a whole number from 0 to 1,000,000,000"


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"legal_form": "cic"}, "legal_form", "Choose a legal form from the list: co_operative_society, "),
        ({"origin": 3}, "origin", "Choose where the organisation came from from the list"),
        ({"members_total": -1}, "members_total", MEMBERS_MESSAGE),
        ({"members_total": 2.5}, "members_total", MEMBERS_MESSAGE),
        ({"members_total": 10**12}, "members_total", MEMBERS_MESSAGE),
        ({"members_total": "²"}, "members_total", MEMBERS_MESSAGE),
        ({"members_total": True}, "members_total", "Enter the number of members as a whole number"),
        ({"trading_income_pct": 101}, "trading_income_pct", "Enter the share of income from trading between 0 and 100"),
        ({"trading_income_pct": "lots"}, "trading_income_pct", "between 0 and 100"),
        ({"trading_income_pct": float("nan")}, "trading_income_pct", "between 0 and 100"),
        ({"is_public_body": "maybe"}, "is_public_body", "Answer yes or no (true or false) for whether"),
        ({"name": 12}, "name", "Enter the organisation's name as text of 300 characters or fewer"),
        ({"name": "x" * 301}, "name", "as text of 300 characters or fewer"),
        ({"spin_out_date": "April 2011"}, "spin_out_date", "Enter the date it spun out as a date, like 2011-04-01"),
        (
            {"member_classes": [{"voting_rule": "weighted_share", "vote_share_pct": 140}]},
            "member_classes[0].vote_share_pct",
            "Enter a vote share between 0 and 100",
        ),
        (
            {"member_classes": [{}, {"count": -3}]},
            "member_classes[1].count",
            "Enter the number of members in the class as a whole number from 0 to 1,000,000,000, like 12",
        ),
        (
            {"member_classes": [{"voting_rule": "one_member_one_vote", "vote_share_pct": 10}]},
            "member_classes[0].vote_share_pct",
            "Leave the vote share empty unless the class has a fixed or capped share of votes",
        ),
        (
            {"member_classes": [{"votes_on": ["ordinary", "everything"]}]},
            "member_classes[0].votes_on[1]",
            "Choose a decision from the list: ordinary, special, board_election, conversion",
        ),
        (
            {
                "member_classes": [
                    {"voting_rule": "weighted_share", "vote_share_pct": 60},
                    {"voting_rule": "weighted_share", "vote_share_pct": 50},
                ]
            },
            "member_classes",
            "The fixed shares of the votes add up to 110%; make them add up to no more than 100%",
        ),
        ({"member_classes": "staff"}, "member_classes", "Enter member classes as a list"),
        ({"member_classes": ["staff"]}, "member_classes[0]", "Enter each member class as a group of fields"),
        (
            {"member_classes": [{"name": "Staff"}], "board_seats": [{"source": "elected_by_class", "member_class": 4}]},
            "board_seats[0].member_class",
            "Choose a member class that is in the list of member classes",
        ),
        (
            {"member_classes": [{"name": "Staff"}], "board_seats": [{"member_class": "Investors"}]},
            "board_seats[0].member_class",
            "Choose a member class that is in the list of member classes",
        ),
        (
            {"member_classes": [{"name": "Staff"}], "board_seats": [{"source": "executive", "member_class": 0}]},
            "board_seats[0].member_class",
            "Name a member class only for seats elected by a class of members",
        ),
        ({"board_seats": [{"seats": "three"}]}, "board_seats[0].seats", "Enter the number of seats filled this way"),
        ({"profits": "locked"}, "profits", "Enter the profit rules as a group of fields (a JSON object)"),
        ({"profits": {"asset_lock": "iron"}}, "profits.asset_lock", "Choose an asset lock from the list"),
        ({"profits": {"max_shareholding_gbp": -5}}, "profits.max_shareholding_gbp", "in pounds, as a number of 0"),
        (
            {"profits": {"dividends_declared_gbp": 10, "dividends_exempt_gbp": 20}},
            "profits.dividends_exempt_gbp",
            "Enter exempt dividends that are no more than the dividends declared",
        ),
        (
            {"significant_control": [{"natures_of_control": ["owns-it-all"]}]},
            "significant_control[0].natures_of_control[0]",
            "Enter a Companies House nature of control, like ownership-of-shares-25-to-50-percent",
        ),
        (
            {"foundation_trust": {"governors_total": 10, "public_governors_elected": 8, "staff_governors_elected": 3}},
            "foundation_trust.governors_total",
            "Enter a total number of governors that includes every group of governors",
        ),
        (
            {"foundation_trust": {"staff_class_governors": [1, -1]}},
            "foundation_trust.staff_class_governors[1]",
            "Enter the number of governors this staff class elects",
        ),
        (
            {"employee_ownership": {"participators": 9, "employees": 5}},
            "employee_ownership.participators",
            "Enter a number of participators that is no more than the number of employees",
        ),
        (
            {"employee_ownership": {"disposal_date": "2025-13-01"}},
            "employee_ownership.disposal_date",
            "as a date, like 2011-04-01",
        ),
        ({"declarations": ["ica p5"]}, "declarations[0]", "Enter the id of a rule the organisation declares it meets"),
        ({"colour": "blue"}, "colour", "Remove colour: it is not one of the fields this part can have"),
        ({"profits": {"dividend": 1}}, "profits.dividend", "Remove dividend"),
    ],
)
def test_an_invalid_field_is_reported_at_its_path(data: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict(data)

    assert path in raised.value.errors, raised.value.errors
    assert raised.value.errors[path].startswith(message) or message in raised.value.errors[path]


def test_every_invalid_field_is_reported_at_once() -> None:
    data = {
        "legal_form": "plc",
        "members_total": -2,
        "member_classes": [{"kind": "robot", "count": "many"}, {"voting_rule": "dictator"}],
        "profits": {"distribution_cap_pct": 500},
    }

    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict(data)

    assert set(raised.value.errors) == {
        "legal_form",
        "members_total",
        "member_classes[0].kind",
        "member_classes[0].count",
        "member_classes[1].voting_rule",
        "profits.distribution_cap_pct",
    }
    assert str(raised.value) == "6 fields need correcting"


def test_a_structure_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict(["not", "a", "structure"])  # type: ignore[arg-type]

    assert raised.value.errors == {"structure": "Enter the structure as a group of fields (a JSON object)"}


def test_a_board_seat_names_its_electing_class_by_name_whatever_the_case() -> None:
    facts = facts_from_dict(
        {"member_classes": [{"name": "Staff"}, {"name": "Carers"}], "board_seats": [{"member_class": "carers"}]}
    )

    assert facts.board_seats is not None
    assert facts.board_seats[0].member_class == 1


@pytest.mark.parametrize(
    ("nature", "band", "majority"),
    [
        ("ownership-of-shares-25-to-50-percent", (25.0, 50.0), False),
        ("ownership-of-shares-75-to-100-percent-as-firm", (75.0, 100.0), False),
        ("voting-rights-50-to-75-percent-limited-liability-partnership", (50.0, 75.0), False),
        ("voting-rights-more-than-25-percent-registered-overseas-entity", (25.0, 100.0), False),
        ("right-to-appoint-and-remove-directors", None, True),
        ("right-to-appoint-and-remove-members-limited-liability-partnership", None, True),
        ("significant-influence-or-control-as-trust", None, False),
    ],
)
def test_companies_house_natures_of_control_are_understood(
    nature: str, band: tuple[float, float] | None, majority: bool
) -> None:
    assert control_band(nature) == band
    assert appoints_board_majority(nature) is majority
    assert facts_from_dict({"significant_control": [{"natures_of_control": [nature]}]}).significant_control


# Facts that facts_from_dict accepts, for the round trip.
_pct = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 3))
_count = st.integers(min_value=0, max_value=10_000)


@st.composite
def valid_facts(draw: st.DrawFn) -> StructureFacts:
    classes = draw(
        st.lists(
            st.builds(
                MemberClassFacts,
                name=st.one_of(st.none(), st.text(min_size=1, max_size=20).map(str.strip).filter(bool)),
                kind=st.one_of(st.none(), st.sampled_from(MemberClassKind)),
                count=st.one_of(st.none(), _count),
                voting_rule=st.sampled_from([None, VotingRule.ONE_MEMBER_ONE_VOTE, VotingRule.VOTES_FOLLOW_SHARES]),
                votes_on=st.one_of(st.none(), st.frozensets(st.sampled_from(VoteDecision))),
            ),
            max_size=4,
        )
    )
    seats = draw(
        st.lists(
            st.builds(
                BoardSeatFacts,
                source=st.sampled_from(BoardSeatSource),
                seats=st.one_of(st.none(), st.integers(0, 12)),
                appointer_kind=st.one_of(st.none(), st.sampled_from(MemberClassKind)),
            ),
            max_size=4,
        )
    )
    return StructureFacts(
        name=draw(st.one_of(st.none(), st.just("Synthetic Care Co-op"))),
        legal_form=draw(st.one_of(st.none(), st.sampled_from(LegalForm))),
        origin=draw(st.one_of(st.none(), st.sampled_from(Origin))),
        spin_out_programme=draw(st.one_of(st.none(), st.sampled_from(SpinOutProgramme))),
        spin_out_date=draw(st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)))),
        members_total=draw(st.one_of(st.none(), _count)),
        trading_income_pct=draw(st.one_of(st.none(), _pct)),
        member_classes=None if draw(st.booleans()) else tuple(classes),
        board_seats=None if draw(st.booleans()) else tuple(seats),
        declarations=draw(st.one_of(st.none(), st.frozensets(st.sampled_from(["ICA-P5-P7", "CIC-CIT"])))),
    )


@settings(max_examples=150, deadline=None)
@given(valid_facts())
def test_any_valid_facts_round_trip(facts: StructureFacts) -> None:
    assert facts_from_dict(json.loads(json.dumps(facts_to_dict(facts)))) == facts
