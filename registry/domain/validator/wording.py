"""How the validator's reasons name things: percentages, money, legal forms and kinds of member."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from registry.domain.structure import MemberClassFacts
from registry.domain.vocabulary import (
    AssetLock,
    DissolutionClause,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
)

FORM_NAMES = {
    LegalForm.CO_OPERATIVE_SOCIETY: "a registered co-operative society",
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: "a community benefit society",
    LegalForm.CHARITABLE_CBS: "a charitable community benefit society",
    LegalForm.CIC_CLS: "a community interest company limited by shares",
    LegalForm.CIC_CLG: "a community interest company limited by guarantee",
    LegalForm.COMMUNITY_INTEREST_COMPANY: "a community interest company",
    LegalForm.COMPANY_LIMITED_BY_SHARES: "a company limited by shares",
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "a company limited by guarantee",
    LegalForm.CHARITABLE_COMPANY: "a charitable company",
    LegalForm.CIO: "a charitable incorporated organisation",
    LegalForm.SCIO: "a Scottish charitable incorporated organisation",
    LegalForm.LLP: "a limited liability partnership",
    LegalForm.NHS_FOUNDATION_TRUST: "an NHS foundation trust",
    LegalForm.NHS_TRUST: "an NHS trust",
    LegalForm.FRIENDLY_SOCIETY: "a friendly society",
    LegalForm.UNINCORPORATED: "an unincorporated association",
    LegalForm.OTHER: "another legal form",
}

KIND_NAMES = {
    MemberClassKind.STAFF: "staff",
    MemberClassKind.SERVICE_USER: "service users and patients",
    MemberClassKind.CARER: "carers",
    MemberClassKind.COMMUNITY_PUBLIC: "community and public members",
    MemberClassKind.SUPPORTER: "supporters",
    MemberClassKind.INVESTOR: "investors",
    MemberClassKind.FOUNDER: "founders",
    MemberClassKind.PARTNER_ORG: "partner organisations",
    MemberClassKind.LOCAL_AUTHORITY: "local authorities",
    MemberClassKind.OTHER: "other members",
}

LOCK_NAMES = {
    AssetLock.CIC_STATUTORY: "the statutory community interest company asset lock",
    AssetLock.CBS_STATUTORY: "the statutory community benefit society asset lock",
    AssetLock.CHARITABLE: "a charitable asset lock",
    AssetLock.CONSTITUTIONAL: "an asset lock in its own rules",
    AssetLock.NONE: "no asset lock",
}

CLAUSE_NAMES = {
    DissolutionClause.TO_ASSET_LOCKED_BODY: "to another asset-locked body",
    DissolutionClause.COMMON_OWNERSHIP: "to common ownership",
    DissolutionClause.TO_MEMBERS: "to its members",
    DissolutionClause.NONE: "nowhere (its rules are silent)",
}

BASIS_NAMES = {
    DistributionBasis.NONE: "no profits are distributed to members or investors",
    DistributionBasis.PATRONAGE: "profits are shared in proportion to members' trade with it (patronage)",
    DistributionBasis.CAPITAL: "profits are distributed in proportion to capital invested",
    DistributionBasis.MIXED: "profits are distributed partly by trade and partly by capital",
}

ORIGIN_NAMES = {
    Origin.INDEPENDENT: "started independently",
    Origin.NHS_SPIN_OUT: "spun out of the NHS",
    Origin.LOCAL_AUTHORITY_SPIN_OUT: "spun out of a local authority",
    Origin.CENTRAL_GOVERNMENT_SPIN_OUT: "spun out of central government",
    Origin.CONVERSION: "converted from another kind of organisation",
}


@lru_cache(maxsize=4096)
def pct(value: float) -> str:
    """A percentage as people write it: 40%, 33.3%, 35.001%. Cached: most are a rule's few thresholds."""
    if float(value).is_integer():
        return f"{int(value)}%"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text}%"


def share_range(low: float, high: float) -> str:
    """A share known exactly ("60%") or only within bounds ("at least 60%", "at most 40%", "between ...")."""
    if high - low <= 1e-9:
        return pct(low)
    if high >= 100.0 - 1e-9:
        return f"at least {pct(low)}"
    if low <= 1e-9:
        return f"at most {pct(high)}"
    return f"between {pct(low)} and {pct(high)}"


def money(value: float) -> str:
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def listing(items: Iterable[str], conjunction: str = "and") -> str:
    """Join words in a plain-English list: "a", "a and b", "a, b and c"."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


@lru_cache(maxsize=256)
def kinds(values: frozenset[MemberClassKind]) -> str:
    """The kinds of member in a plain-English list, in the vocabulary's order."""
    return listing(KIND_NAMES[k] for k in MemberClassKind if k in values)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def class_name(member_class: MemberClassFacts, index: int) -> str:
    """How a reason names a member class: its own name, else its kind, else its position."""
    if member_class.name:
        return f'"{member_class.name}"'
    if member_class.kind is not None:
        return f"the {KIND_NAMES[member_class.kind]} class"
    return f"member class {index + 1}"


def form_name(form: LegalForm | None) -> str:
    if form is None:
        return "an organisation of unknown legal form"
    return FORM_NAMES.get(form) or f"an organisation of the legal form {form.value.replace('_', ' ')}"
