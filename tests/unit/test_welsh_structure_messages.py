"""What people are told when facts about a structure are wrong (/check, the registration wizard's governance
step, ``POST /api/v1/structure-checks``), in Welsh: whole sentences, with each field's words a phrase written
to fit them, numbers written the Welsh way, codes kept as codes; and the English exactly as it was."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from babel.numbers import format_decimal

from registry.domain import passwords
from registry.domain.language import speaking
from registry.domain.structure import (
    MAX_COUNT,
    BoardSeatFacts,
    CharityFacts,
    EmployeeOwnershipFacts,
    FoundationTrustFacts,
    MemberClassFacts,
    ProfitRules,
    SignificantControl,
    StructureFacts,
    StructureFactsError,
)
from registry.domain.structure_json import facts_from_dict
from tests.support.welsh import english_left

# A value no field accepts as itself: every scalar field says what to enter, every list field asks for a list.
WRONG: dict[str, Any] = {"wrong": True}
PARTS = {
    "profits": ProfitRules,
    "foundation_trust": FoundationTrustFacts,
    "employee_ownership": EmployeeOwnershipFacts,
    "charity": CharityFacts,
}
LISTS = {"member_classes": MemberClassFacts, "board_seats": BoardSeatFacts, "significant_control": SignificantControl}


def _all_wrong(cls: type[Any]) -> dict[str, Any]:
    return {f.name: WRONG for f in dataclasses.fields(cls)}


def _every_field_wrong() -> dict[str, Any]:
    data = _all_wrong(StructureFacts)
    data.update({key: _all_wrong(cls) for key, cls in PARTS.items()})
    data.update({key: [_all_wrong(cls), 7] for key, cls in LISTS.items()})
    data["declarations"] = ["not an id"]
    data["foundation_trust"]["staff_class_governors"] = [-1]
    data["significant_control"][0]["natures_of_control"] = ["owns-it-all"]
    data["member_classes"][0]["votes_on"] = ["everything"]
    data["unknown_field"] = 1
    return data


def _errors(data: Any, language: str) -> dict[str, str]:
    with speaking(language), pytest.raises(StructureFactsError) as raised:
        facts_from_dict(data)
    return raised.value.errors


def _words(message: str) -> str:
    """A message without what stays English in either language: the codes listed after a colon, the JSON
    codes true and false, field names and example codes (with _ or -)."""
    message = re.sub(r"(rhestr|list): .*$", "", message)
    return " ".join(word for word in message.split() if not re.search(r"[_\-]|true|false|JSON", word))


def test_every_message_about_every_field_is_welsh_when_speaking_welsh() -> None:
    data = _every_field_wrong()
    english, welsh = _errors(data, "en"), _errors(data, "cy")
    assert welsh.keys() == english.keys()
    assert len(welsh) > 80
    for path, message in welsh.items():
        assert message != english[path], path
        assert english_left(f"<p>{_words(message)}</p>") == [], (path, message)


def test_the_english_messages_are_worded_as_before() -> None:
    errors = _errors(_every_field_wrong(), "en")
    assert errors["members_total"] == ("Enter the number of members as a whole number from 0 to 1,000,000,000, like 12")
    assert errors["member_classes[0].count"] == (
        "Enter the number of members in the class as a whole number from 0 to 1,000,000,000, like 12"
    )
    assert errors["legal_form"].startswith("Choose a legal form from the list: co_operative_society, ")
    assert errors["is_public_body"] == "Answer yes or no (true or false) for whether the organisation is a public body"
    assert errors["name"] == "Enter the organisation's name as text of 300 characters or fewer"
    assert errors["spin_out_date"] == "Enter the date it spun out as a date, like 2011-04-01 (or a month, like 2011-04)"
    assert errors["profits.min_shareholding_gbp"] == (
        "Enter the smallest shareholding in pounds, as a number of 0 or more, like 35000"
    )
    assert errors["trading_income_pct"] == "Enter the share of income from trading between 0 and 100"
    assert errors["member_classes[1]"] == "Enter each member class as a group of fields (a JSON object)"
    assert errors["member_classes[0].votes_on[0]"].startswith("Choose a decision from the list: ")
    assert _errors({"board_seats": {}}, "en")["board_seats"] == "Enter board seats as a list"
    assert errors["unknown_field"] == "Remove unknown_field: it is not one of the fields this part can have"
    assert errors["foundation_trust.longest_ned_tenure_years"] == (
        "Enter the longest non-executive's time in post in years, as a number of 0 or more, like 6"
    )


def test_welsh_sentences_read_with_their_field_phrases_and_keep_codes() -> None:
    errors = _errors(_every_field_wrong(), "cy")
    welsh_max = format_decimal(MAX_COUNT, locale="cy")
    assert errors["members_total"] == f"Rhowch nifer yr aelodau fel rhif cyfan o 0 i {welsh_max}, fel 12"
    assert errors["member_classes[0].count"] == (
        f"Rhowch nifer yr aelodau yn y dosbarth fel rhif cyfan o 0 i {welsh_max}, fel 12"
    )
    # The field phrase after "Dewiswch" is soft-mutated (rheol → reol); the codes stay codes.
    assert errors["member_classes[0].voting_rule"] == (
        "Dewiswch reol bleidleisio o'r rhestr: one_member_one_vote, weighted_share, capped_share, votes_follow_shares"
    )
    assert errors["is_public_body"] == "Atebwch ie neu na (true neu false) i ddweud a yw'r sefydliad yn gorff cyhoeddus"
    assert errors["member_classes[1]"] == "Rhowch bob dosbarth aelodau fel grŵp o feysydd (gwrthrych JSON)"
    assert errors["unknown_field"] == "Tynnwch unknown_field: nid yw'n un o'r meysydd y gall y rhan hon eu cynnwys"
    assert "ownership-of-shares-25-to-50-percent" in errors["significant_control[0].natures_of_control[0]"]


def test_too_many_rows_and_too_much_in_total_are_said_in_welsh() -> None:
    data = {"member_classes": [{}] * 201}
    assert _errors(data, "en")["member_classes"] == "Enter no more than 200 member classes"
    assert _errors(data, "cy")["member_classes"] == "Peidiwch â rhoi mwy na 200 o ddosbarthiadau aelodau"
    shares = {
        "member_classes": [{"voting_rule": "weighted_share", "vote_share_pct": 70} for _ in range(2)],
    }
    assert _errors(shares, "en")["member_classes"] == (
        "The fixed shares of the votes add up to 140%; make them add up to no more than 100%"
    )
    assert "140%" in _errors(shares, "cy")["member_classes"]
    assert "%%" not in _errors(shares, "cy")["member_classes"]


@pytest.mark.parametrize(
    ("count", "english", "welsh"),
    [
        (1, "1 field needs correcting", "Mae angen cywiro 1 maes"),
        (3, "3 fields need correcting", "Mae angen cywiro 3 maes"),
    ],
)
def test_the_count_of_fields_to_correct_follows_the_language(count: int, english: str, welsh: str) -> None:
    errors = {f"field{i}": "wrong" for i in range(count)}
    assert str(StructureFactsError(errors)) == english
    with speaking("cy"):
        assert str(StructureFactsError(errors)) == welsh


@pytest.mark.parametrize(
    ("password", "english"),
    [
        ("", "Enter a password"),
        ("short", "Password must be 12 characters or more"),
        ("x" * 257, "Password must be 256 characters or fewer"),
        ("passwordpassword", "Enter a password that is harder to guess, like 3 or 4 random words together"),
        ("Mutuals Registry 2025", "Your password must not include your email address or the name of this service"),
    ],
)
def test_password_problems_are_worded_in_the_language_being_spoken(password: str, english: str) -> None:
    site = "Health and Care Mutuals Registry"
    assert passwords.password_problem(password, site_name=site) == english
    with speaking("cy"):
        welsh = passwords.password_problem(password, site_name=site)
        assert welsh is not None
        assert welsh != english
        assert english_left(f"<p>{welsh}</p>") == []
