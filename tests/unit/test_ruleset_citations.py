"""Rule sets cite what they encode: the statute, guidance, register or policy text itself, never the registry's
own research notes; and the preferred-provider profile marks every threshold as a source's words or the
registry's own reading (issue 16, item 3)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from registry.domain.validator import RuleSet, Source, load_rulesets
from registry.domain.validator.checks import CHECKS

RULESETS = {r.id: r for r in load_rulesets()}
PREFERRED_PROVIDER = RULESETS["preferred-provider"]

# The registry's research notes (governance-rules.md, organisations.md) are where citations were found, not
# what a rule encodes.
RESEARCH_NOTES = re.compile(
    r"governance-rules|organisations\.md|research (report|notes?)|registry research|validator research", re.IGNORECASE
)
BRIEF = "Health & Social Care (Policy Brief)"
VERNON = "The future of co-operative structures in the NHS"
# The two texts, kept beside the repository (see ../shared/reference/sources/README.md).
SOURCE_TEXTS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sources"
TEXT_FILES = {
    BRIEF: "coop-party-health-and-social-care-policy-brief-2014.md",
    VERNON: "vernon-future-of-co-operative-structures-in-the-nhs.txt",
}


def every_citation(ruleset: RuleSet) -> list[tuple[str, Source]]:
    cited: list[tuple[str, Source]] = [(f"{ruleset.id} source", s) for s in ruleset.sources]
    cited += [(f"{ruleset.id} cites", s) for s in ruleset.cites]
    for rule in ruleset.rules:
        cited += [(rule.id, s) for s in rule.citations]
        cited += [(f"{rule.id} basis of {name}", b.source) for name, b in rule.basis.items() if b.source is not None]
    return cited


def research_note_citations(ruleset: RuleSet) -> list[str]:
    return [
        f"{where}: {source.cite()}"
        for where, source in every_citation(ruleset)
        if any(RESEARCH_NOTES.search(part or "") for part in (source.title, source.section, source.publisher))
    ]


@pytest.mark.parametrize("ruleset", RULESETS.values(), ids=RULESETS.keys())
def test_no_rule_cites_the_registrys_own_research_notes(ruleset: RuleSet) -> None:
    assert research_note_citations(ruleset) == []


def test_the_research_notes_check_catches_a_rule_citing_them() -> None:
    cited = Source("Member-structure validator research report (governance-rules.md)", section="section 11")
    broken = dataclasses.replace(PREFERRED_PROVIDER, cites=(cited,))

    assert research_note_citations(broken) == [
        "preferred-provider cites: Member-structure validator research report (governance-rules.md), section 11"
    ]


def unmarked_parameters(ruleset: RuleSet) -> list[str]:
    """Parameters with neither a quoted source that states them nor a derived-reading mark with its reason."""
    missing = []
    for rule in ruleset.rules:
        names = [*CHECKS[rule.check].parameters, *(["only_for_origins"] if rule.only_for_origins else [])]
        for name in names:
            basis = rule.basis.get(name)
            marked = basis is not None and (
                (basis.derived and bool(basis.reading))
                or (not basis.derived and basis.source is not None and bool(basis.source.quote))
            )
            if not marked:
                missing.append(f"{rule.id}: {name}")
    return missing


def test_every_preferred_provider_threshold_is_quoted_or_marked_as_the_registrys_reading() -> None:
    assert unmarked_parameters(PREFERRED_PROVIDER) == []


def test_the_threshold_check_catches_an_unmarked_threshold() -> None:
    trading = next(rule for rule in PREFERRED_PROVIDER.rules if rule.id == "PP-T2-TRADING")
    bare = dataclasses.replace(trading, basis={})
    broken = dataclasses.replace(PREFERRED_PROVIDER, rules=(bare,))

    assert unmarked_parameters(broken) == ["PP-T2-TRADING: min_pct", "PP-T2-TRADING: only_for_origins"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("max_pct", 35), ("min_pct", 50), ("max_vote_pct", 10), ("max_seats", 2), ("min_vote_pct", 25)],
)
def test_the_thresholds_the_issue_names_are_derived_readings(name: str, value: float) -> None:
    marked = [
        rule.id
        for rule in PREFERRED_PROVIDER.rules
        if name in rule.parameters.to_dict() and rule.parameters.to_dict()[name] == value and rule.basis[name].derived
    ]
    assert marked, f"no derived {name} = {value}"


def test_the_profile_cites_the_policy_brief_and_vernons_article_separately_and_word_for_word() -> None:
    by_title = {s.title: s for s in PREFERRED_PROVIDER.sources}
    brief, vernon = by_title[BRIEF], by_title[VERNON]

    assert (brief.publisher, brief.date) == ("Co-operative Party", "June 2014")
    assert vernon.date == "about 2013" and "not adopted party policy" in (vernon.publisher or "")
    quotes = {(s.title, s.quote) for s in PREFERRED_PROVIDER.cites}
    assert (BRIEF, "'Any Qualified Provider' is replaced with the NHS as preferred provider") in quotes
    cited = {(s.title, s.quote) for rule in PREFERRED_PROVIDER.rules for s in rule.citations}
    for title, words in [
        (BRIEF, "legally committed to trading for a public or community purpose"),
        (BRIEF, "staff, patients, carers and the general public own and control"),
        (VERNON, "second tier preferred providers after the NHS"),
        (VERNON, "a back door way to privatise services"),
        (VERNON, "clear lines of accountability to staff, service and wider beneficiaries"),
    ]:
        assert any(t == title and words in (q or "") for t, q in cited), (title, words)


def test_every_quotation_of_the_two_texts_is_in_the_text_it_is_attributed_to() -> None:
    if not SOURCE_TEXTS.is_dir():
        pytest.skip("the two source texts are kept outside the repository, in ../shared/reference/sources")
    texts = {
        title: " ".join((SOURCE_TEXTS / name).read_text(encoding="utf-8").split()) for title, name in TEXT_FILES.items()
    }
    quoted = [
        (where, source)
        for ruleset in RULESETS.values()
        for where, source in every_citation(ruleset)
        if source.title in texts and source.quote
    ]

    assert len(quoted) >= 10
    for where, source in quoted:
        assert source.quote in texts[source.title], (where, source.quote)


def test_the_title_and_summary_do_not_attribute_the_whole_profile_to_party_policy() -> None:
    assert "Co-operative Party policy" not in PREFERRED_PROVIDER.title
    assert "registry's reading" in PREFERRED_PROVIDER.title
    assert "not a legal status" in PREFERRED_PROVIDER.summary
    assert "Vernon" in PREFERRED_PROVIDER.summary and "policy brief" in PREFERRED_PROVIDER.summary


def test_the_rule_set_dict_carries_citations_and_derived_marks_for_the_api() -> None:
    written = PREFERRED_PROVIDER.to_dict()

    assert {c["title"] for c in written["citations"]} == {BRIEF, VERNON}
    trading = next(r for r in written["rules"] if r["id"] == "PP-T2-TRADING")
    assert trading["derived_parameters"] == ["min_pct"]
    assert trading["parameter_basis"]["min_pct"]["derived"] is True
    assert trading["parameter_basis"]["min_pct"]["reading"]
    assert trading["only_for_origins"] == ["central_government_spin_out", "local_authority_spin_out", "nhs_spin_out"]
    assert trading["citations"][0]["title"] == BRIEF
