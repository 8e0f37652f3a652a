"""The member-structure validator: facts in, an explained assessment out.

``load_rulesets()`` reads the rule sets in ``data/rulesets``; ``assess(facts, ruleset)`` gives one rule
set's verdict with a finding per rule, each naming the facts that decided it and the source it encodes;
``assess_all(facts)`` does that for every rule set.
"""

from registry.domain.validator.assessment import assess, assess_all
from registry.domain.validator.checks import CHECKS
from registry.domain.validator.loading import clear_cache, load_rulesets, parse_ruleset, rules_basis
from registry.domain.validator.model import (
    Assessment,
    Confidence,
    Finding,
    Rule,
    RuleSet,
    RuleSetError,
    Severity,
    Source,
)
from registry.domain.validator.shares import board_share, vote_share_of, vote_shares
from registry.domain.vocabulary import Outcome, Verdict

__all__ = [
    "CHECKS",
    "Assessment",
    "Confidence",
    "Finding",
    "Outcome",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Severity",
    "Source",
    "Verdict",
    "assess",
    "assess_all",
    "board_share",
    "clear_cache",
    "load_rulesets",
    "parse_ruleset",
    "rules_basis",
    "vote_share_of",
    "vote_shares",
]
