"""How the validator's reasons name things: percentages, money, legal forms and kinds of member."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from registry.domain import language
from registry.domain.language import current_language
from registry.domain.structure import MemberClassFacts
from registry.domain.vocabulary import (
    AssetLock,
    DissolutionClause,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
)

_ENGLISH = language.DEFAULT_LANGUAGE
Code = TypeVar("Code")
# The language being spoken, read straight from its context variable: ``gettext`` runs for every sentence of
# every finding (some 400,000 over a whole register), so even a function call's cost shows.
_speaking = language._current.get


def gettext(message: str, **variables: Any) -> str:
    """``registry.domain.language.gettext``, with English answered at once: the validator words some 400,000
    findings over a whole register, and most are made in English."""
    if _speaking() == _ENGLISH:
        return message % variables if variables else message
    return language.gettext(message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    if _speaking() == _ENGLISH:
        return (singular if num == 1 else plural) % {"num": num, **variables}
    return language.ngettext(singular, plural, num, **variables)


_ = gettext


def _l(message: str) -> str:
    """Marks words written where a module is imported (a constant's) for translation; ``Names`` translates them
    where they are used, in the language being spoken then. (``pybabel extract`` finds ``_l`` calls.)"""
    return message


class Names(Mapping[Code, str]):
    """``{code: name}`` that answers in the current language (the English written with ``_l``)."""

    def __init__(self, names: Mapping[Code, str]) -> None:
        self._names = dict(names)

    def __getitem__(self, code: Code) -> str:
        return gettext(self._names[code])

    def __iter__(self) -> Iterator[Code]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


FORM_NAMES = Names(
    {
        LegalForm.CO_OPERATIVE_SOCIETY: _l("a registered co-operative society"),
        LegalForm.COMMUNITY_BENEFIT_SOCIETY: _l("a community benefit society"),
        LegalForm.CHARITABLE_CBS: _l("a charitable community benefit society"),
        LegalForm.CIC_CLS: _l("a community interest company limited by shares"),
        LegalForm.CIC_CLG: _l("a community interest company limited by guarantee"),
        LegalForm.COMMUNITY_INTEREST_COMPANY: _l("a community interest company"),
        LegalForm.COMPANY_LIMITED_BY_SHARES: _l("a company limited by shares"),
        LegalForm.COMPANY_LIMITED_BY_GUARANTEE: _l("a company limited by guarantee"),
        LegalForm.CHARITABLE_COMPANY: _l("a charitable company"),
        LegalForm.CIO: _l("a charitable incorporated organisation"),
        LegalForm.SCIO: _l("a Scottish charitable incorporated organisation"),
        LegalForm.LLP: _l("a limited liability partnership"),
        LegalForm.NHS_FOUNDATION_TRUST: _l("an NHS foundation trust"),
        LegalForm.NHS_TRUST: _l("an NHS trust"),
        LegalForm.FRIENDLY_SOCIETY: _l("a friendly society"),
        LegalForm.UNINCORPORATED: _l("an unincorporated association"),
        LegalForm.OTHER: _l("another legal form"),
    }
)

KIND_NAMES = Names(
    {
        MemberClassKind.STAFF: _l("staff"),
        MemberClassKind.SERVICE_USER: _l("service users and patients"),
        MemberClassKind.CARER: _l("carers"),
        MemberClassKind.COMMUNITY_PUBLIC: _l("community and public members"),
        MemberClassKind.SUPPORTER: _l("supporters"),
        MemberClassKind.INVESTOR: _l("investors"),
        MemberClassKind.FOUNDER: _l("founders"),
        MemberClassKind.PARTNER_ORG: _l("partner organisations"),
        MemberClassKind.LOCAL_AUTHORITY: _l("local authorities"),
        MemberClassKind.OTHER: _l("other members"),
    }
)

LOCK_NAMES = Names(
    {
        AssetLock.CIC_STATUTORY: _l("the statutory community interest company asset lock"),
        AssetLock.CBS_STATUTORY: _l("the statutory community benefit society asset lock"),
        AssetLock.CHARITABLE: _l("a charitable asset lock"),
        AssetLock.CONSTITUTIONAL: _l("an asset lock in its own rules"),
        AssetLock.NONE: _l("no asset lock"),
    }
)

CLAUSE_NAMES = Names(
    {
        DissolutionClause.TO_ASSET_LOCKED_BODY: _l("to another asset-locked body"),
        DissolutionClause.COMMON_OWNERSHIP: _l("to common ownership"),
        DissolutionClause.TO_MEMBERS: _l("to its members"),
        DissolutionClause.NONE: _l("nowhere (its rules are silent)"),
    }
)

BASIS_NAMES = Names(
    {
        DistributionBasis.NONE: _l("no profits are distributed to members or investors"),
        DistributionBasis.PATRONAGE: _l("profits are shared in proportion to members' trade with it (patronage)"),
        DistributionBasis.CAPITAL: _l("profits are distributed in proportion to capital invested"),
        DistributionBasis.MIXED: _l("profits are distributed partly by trade and partly by capital"),
    }
)

ORIGIN_NAMES = Names(
    {
        Origin.INDEPENDENT: _l("started independently"),
        Origin.NHS_SPIN_OUT: _l("spun out of the NHS"),
        Origin.LOCAL_AUTHORITY_SPIN_OUT: _l("spun out of a local authority"),
        Origin.CENTRAL_GOVERNMENT_SPIN_OUT: _l("spun out of central government"),
        Origin.CONVERSION: _l("converted from another kind of organisation"),
    }
)


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
        return _("at least %(share)s", share=pct(low))
    if low <= 1e-9:
        return _("at most %(share)s", share=pct(high))
    return _("between %(low)s and %(high)s", low=pct(low), high=pct(high))


_MONTHS = (
    _l("January"),
    _l("February"),
    _l("March"),
    _l("April"),
    _l("May"),
    _l("June"),
    _l("July"),
    _l("August"),
    _l("September"),
    _l("October"),
    _l("November"),
    _l("December"),
)


def month(day: date) -> str:
    """A month and year as people write them, in the current language: "March 2011", "Mawrth 2011"."""
    return _("%(month)s %(year)s", month=_(_MONTHS[day.month - 1]), year=day.year)


def day(when: date) -> str:
    """A date as people write it, in the current language: "06 April 2025", "06 Ebrill 2025"."""
    return _(
        "%(day)s %(month)s %(year)s", day=format(when.day, "02d"), month=_(_MONTHS[when.month - 1]), year=when.year
    )


def money(value: float) -> str:
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def listing(items: Iterable[str], conjunction: str = "and") -> str:
    """Join words in a plain list in the current language: "a", "a and b", "a, b and c" (``conjunction``
    "or": "a, b or c")."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    first, last = ", ".join(words[:-1]), words[-1]
    if conjunction == "or":
        return _("%(first)s or %(last)s", first=first, last=last)
    return _("%(first)s and %(last)s", first=first, last=last)


def kinds(values: frozenset[MemberClassKind]) -> str:
    """The kinds of member in a plain list, in the vocabulary's order, in the current language."""
    return _kinds(values, current_language())


@lru_cache(maxsize=512)
def _kinds(values: frozenset[MemberClassKind], language: str) -> str:
    return listing(KIND_NAMES[k] for k in MemberClassKind if k in values)


def capitalised(text: str) -> str:
    """``text`` with a capital letter, to start an English sentence. In Welsh the words a sentence starts with
    come first in its message (the verb usually), so a name put into a Welsh sentence keeps its own case."""
    if current_language() != _ENGLISH:
        return text
    return text[:1].upper() + text[1:]


def class_name(member_class: MemberClassFacts, index: int) -> str:
    """How a reason names a member class: its own name, else its kind, else its position."""
    if member_class.name:
        return f'"{member_class.name}"'
    if member_class.kind is not None:
        return _("the %(kind)s class", kind=KIND_NAMES[member_class.kind])
    return _("member class %(number)s", number=index + 1)


def form_name(form: LegalForm | None) -> str:
    if form is None:
        return _("an organisation of unknown legal form")
    if form in FORM_NAMES:
        return FORM_NAMES[form]
    return _("an organisation of the legal form %(form)s", form=form.value.replace("_", " "))
