"""The validator in Welsh: reasons, titles and names follow the language being spoken, while the codes, the
verdicts and the English words stay as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.domain.language import speaking
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import assess_all, load_rulesets, loading
from registry.domain.validator import wording as w
from registry.domain.validator.loading import parse_ruleset
from registry.domain.validator.model import RuleSetError
from registry.domain.vocabulary import LegalForm, MemberClassKind
from registry.services.assessments import in_current_language

STRUCTURE = {
    "legal_form": "community_interest_company",
    "origin": "nhs_spin_out",
    "member_classes": [{"kind": "staff", "count": 12, "voting_rule": "one_member_one_vote"}],
}
# Words that show an English sentence was left in a Welsh reason.
ENGLISH = re.compile(r"\b(the|is|are|not known|needs?|has|which)\b")


def _reports(language: str) -> list[dict]:
    with speaking(language):
        return [a.to_dict() for a in assess_all(facts_from_dict(STRUCTURE))]


def test_welsh_reasons_keep_every_code_and_verdict_of_the_english() -> None:
    english, welsh = _reports("en"), _reports("cy")
    assert [(a["ruleset_id"], a["verdict"]) for a in english] == [(a["ruleset_id"], a["verdict"]) for a in welsh]
    for en, cy in zip(english, welsh, strict=True):
        codes = [(f["rule_id"], f["outcome"], f["severity"], f["confidence"], f["needs"]) for f in en["findings"]]
        assert codes == [
            (f["rule_id"], f["outcome"], f["severity"], f["confidence"], f["needs"]) for f in cy["findings"]
        ]
        assert [f["source"] for f in en["findings"]] == [f["source"] for f in cy["findings"]]


def test_reasons_are_in_welsh_when_speaking_welsh() -> None:
    welsh = _reports("cy")
    reasons = [a["reason"] for a in welsh] + [f["reason"] for a in welsh for f in a["findings"]]
    english_left = [reason for reason in reasons if ENGLISH.search(reason.split(": ", 1)[0])]
    assert not english_left, english_left[:5]
    assert any(reason.startswith("Mae angen rhagor o wybodaeth") for reason in reasons)


def test_english_reasons_are_unchanged() -> None:
    english = {a["ruleset_id"]: a for a in _reports("en")}
    assert english["registered-cooperative-society"]["reason"] == (
        "This rule set is for a registered co-operative society; the organisation is a community interest company."
    )
    reasons = {f["reason"] for a in english.values() for f in a["findings"]}
    assert "Every member has one vote (one member, one vote)." in reasons


def test_names_answer_in_the_language_being_spoken() -> None:
    assert w.FORM_NAMES[LegalForm.CO_OPERATIVE_SOCIETY] == "a registered co-operative society"
    assert w.kinds(frozenset({MemberClassKind.STAFF, MemberClassKind.CARER})) == "staff and carers"
    assert w.capitalised("staff") == "Staff"
    with speaking("cy"):
        assert w.FORM_NAMES[LegalForm.CO_OPERATIVE_SOCIETY] == "cymdeithas gydweithredol gofrestredig"
        assert w.kinds(frozenset({MemberClassKind.STAFF, MemberClassKind.CARER})) == "staff a gofalwyr"
        assert w.share_range(60.0, 100.0) == "o leiaf 60%"
        # A name put into a Welsh sentence keeps its own case: the sentence starts with its verb.
        assert w.capitalised("staff") == "staff"


def test_rule_set_words_come_from_their_cy_mapping() -> None:
    for ruleset in load_rulesets():
        with speaking("cy"):
            title = ruleset.to_dict()["title"]
        assert title == (ruleset.cy.get("title") or ruleset.title)
        if ruleset.cy:
            assert title != ruleset.title
    with speaking("en"):
        assert all(r.to_dict()["title"] == r.title for r in load_rulesets())


RULESET = """
id: example
title: An example
summary: What it is for.
sources:
  act: {title: An Act 2000}
rules:
  - id: EX-1
    title: Has a purpose
    check: declaration
    severity: attest
    confidence: V1
    source: {ref: act}
    explanation: It has one.
"""


def test_a_cy_mapping_must_give_every_field_the_english_has() -> None:
    welsh = RULESET.replace("sources:", "cy:\n  title: Enghraifft\n  summary: Beth yw ei ddiben.\nsources:")
    _, ruleset = parse_ruleset(welsh)
    assert ruleset.cy == {"title": "Enghraifft", "summary": "Beth yw ei ddiben."}
    with pytest.raises(RuleSetError, match=r"Welsh \(cy\) of summary is missing"):
        parse_ruleset(RULESET.replace("sources:", "cy:\n  title: Enghraifft\nsources:"))
    with pytest.raises(RuleSetError, match="unexpected fields excludes_reason"):
        parse_ruleset(welsh.replace("  title: Enghraifft\n", "  title: Enghraifft\n  excludes_reason: Dim\n"))
    # The published rule sets must have their Welsh; a rule set written elsewhere may be English only.
    parse_ruleset(RULESET)
    with pytest.raises(RuleSetError, match=r"rule EX-1: the Welsh \(cy\) of title, explanation is missing"):
        parse_ruleset(welsh, require_welsh=True)
    rule_in_welsh = RULESET + "    cy: {title: Mae ganddo ddiben, explanation: Mae ganddo un.}\n"
    with pytest.raises(RuleSetError, match=r"\(example\): the Welsh \(cy\) of title, summary is missing"):
        parse_ruleset(rule_in_welsh, require_welsh=True)
    assert parse_ruleset(
        welsh + "    cy: {title: Mae ganddo ddiben, explanation: Mae ganddo un.}\n", require_welsh=True
    )


def test_every_rule_set_has_its_welsh() -> None:
    """Every wording field of every rule set carries its Welsh (the loader refuses a partial ``cy``)."""
    missing: list[str] = []
    for ruleset in load_rulesets():
        if not ruleset.cy:
            missing.append(ruleset.id)
        missing += [f"{ruleset.id}/{rule.id}" for rule in ruleset.rules if not rule.cy]
        missing += [
            f"{ruleset.id}/{rule.id}/{name}" for rule in ruleset.rules for name, r in rule.ranges.items() if not r.cy
        ]
        missing += [
            f"{ruleset.id}/{rule.id}/{name}"
            for rule in ruleset.rules
            for name, b in rule.basis.items()
            if b.reading and not b.cy
        ]
    assert not missing, missing


def test_rules_basis_changes_with_the_validators_welsh(monkeypatch: pytest.MonkeyPatch) -> None:
    before = loading.rules_basis()
    monkeypatch.setattr(loading, "_welsh_words", lambda: "other words")
    loading.rules_basis.cache_clear()
    try:
        assert loading.rules_basis() != before
    finally:
        monkeypatch.undo()
        loading.rules_basis.cache_clear()
    assert loading.rules_basis() == before


def test_a_stored_report_shows_its_words_in_the_language_being_spoken() -> None:
    report = {
        "ruleset_id": "x",
        "ruleset_title": "Title",
        "reason": "Reason.",
        "verdict": "meets",
        "findings": [{"rule_id": "R", "title": "Rule", "reason": "Why.", "explanation": "E.", "confidence_note": "C."}],
        "cy": {
            "ruleset_title": "Teitl",
            "reason": "Rheswm.",
            "findings": [{"title": "Rheol", "reason": "Pam.", "explanation": "Eg.", "confidence_note": "Cy."}],
        },
    }
    assert in_current_language(report) is report
    with speaking("cy"):
        shown = in_current_language(report)
    assert (shown["ruleset_title"], shown["reason"], shown["verdict"]) == ("Teitl", "Rheswm.", "meets")
    assert shown["findings"][0] == {
        "rule_id": "R",
        "title": "Rheol",
        "reason": "Pam.",
        "explanation": "Eg.",
        "confidence_note": "Cy.",
    }
    assert report["reason"] == "Reason."


# Messages whose Welsh is the same as the English.
SAME_IN_WELSH = {
    "staff",
    "%(month)s %(year)s",
    "%(day)s %(month)s %(year)s",
    "%(lock)s, %(how)s",
    "%(members)s; %(rule)s.",
}


def test_the_validators_welsh_is_in_the_catalogue() -> None:
    """Every message of the validator's code has its Welsh, with the same placeholders."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    from registry.domain.language import translations

    catalogue = translations("cy")
    root = Path(loading.__file__).parent
    untranslated: list[str] = []
    for file in sorted(root.rglob("*.py")):
        keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
        for _, message, _, _ in extract_from_file("python", str(file), keywords=keywords):
            singular = message[0] if isinstance(message, tuple) else message
            welsh = (
                catalogue.ngettext(message[0], message[1], 2)
                if isinstance(message, tuple)
                else catalogue.gettext(message)
            )
            same = welsh == singular or (isinstance(message, tuple) and welsh == message[1])
            if same and singular not in SAME_IN_WELSH:
                untranslated.append(singular)
            placeholders = set(re.findall(r"%\((\w+)\)s", singular)) - {"num"}
            assert placeholders <= set(re.findall(r"%\((\w+)\)s", welsh)), (singular, welsh)
    assert not untranslated, untranslated[:10]
