"""Checks on profits and assets: asset locks, distributions, share interest, dividends and residual assets."""

from __future__ import annotations

from registry.domain.structure import StructureFacts
from registry.domain.validator import wording as w
from registry.domain.validator.checks.catalogue import ParamKind, Result, check, failed, not_applicable, passed, unknown
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON
from registry.domain.validator.wording import _
from registry.domain.vocabulary import AssetLock, DissolutionClause, DistributionBasis, LegalForm

# The asset lock the law gives a legal form whatever its articles say: a community interest company's
# (C(AICE)A 2004 s30 and the CIC Regulations 2005, Schedules 1 to 3) and a charity's (its assets may serve
# only its charitable purposes). A statutory lock can only be held by the forms that law is for: the CIC lock
# by a CIC, and the community benefit society lock (SI 2006/264) by a community benefit society that is not a
# charity.
_CIC_FORMS = frozenset({LegalForm.CIC_CLS, LegalForm.CIC_CLG, LegalForm.COMMUNITY_INTEREST_COMPANY})
LOCKS_BY_LAW: dict[LegalForm, AssetLock] = {
    **dict.fromkeys(_CIC_FORMS, AssetLock.CIC_STATUTORY),
    **dict.fromkeys(
        (LegalForm.CHARITABLE_COMPANY, LegalForm.CIO, LegalForm.SCIO, LegalForm.CHARITABLE_CBS), AssetLock.CHARITABLE
    ),
}
LOCK_HOLDERS: dict[AssetLock, frozenset[LegalForm]] = {
    AssetLock.CIC_STATUTORY: _CIC_FORMS,
    AssetLock.CBS_STATUTORY: frozenset({LegalForm.COMMUNITY_BENEFIT_SOCIETY}),
}
_LOCKING_CLAUSES = frozenset({DissolutionClause.TO_ASSET_LOCKED_BODY, DissolutionClause.COMMON_OWNERSHIP})


def _impossible_lock(lock: AssetLock, form: LegalForm | None) -> str | None:
    """Why the recorded statutory lock cannot be the organisation's, or ``None`` when it can."""
    holders = LOCK_HOLDERS.get(lock)
    if holders is None or form is None or form in holders:
        return None
    if lock is AssetLock.CBS_STATUTORY:
        return _(
            "It records %(lock)s, which only a community benefit society that is not a charity can adopt "
            "(SI 2006/264); %(form)s cannot.",
            lock=w.LOCK_NAMES[lock],
            form=w.form_name(form),
        )
    return _(
        "It records %(lock)s, which only a community interest company has; %(form)s cannot.",
        lock=w.LOCK_NAMES[lock],
        form=w.form_name(form),
    )


def _lock_of(facts: StructureFacts) -> tuple[AssetLock | None, str]:
    """The asset lock as recorded or, when not recorded, the one its legal form has by law; and how it is known
    (empty when it is recorded: "as a community interest company, by law" when the law gives it).

    An impossible recorded lock gives ``None``; the checks that judge the lock say why.
    """
    profits = facts.profits
    lock = profits.asset_lock if profits else None
    form = facts.legal_form
    if lock is not None:
        return (None, "") if _impossible_lock(lock, form) else (lock, "")
    if form is not None and form in LOCKS_BY_LAW:
        return LOCKS_BY_LAW[form], _("as %(form)s, by law", form=w.form_name(form))
    return None, ""


@check("asset_lock_in", allowed=ParamKind.LOCKS)
def asset_lock_in(facts: StructureFacts, params: Parameters) -> Result:
    allowed = params.locks("allowed")
    profits = facts.profits
    lock = profits.asset_lock if profits else None
    schedule = profits.cic_asset_lock_schedule if profits else None
    if lock is None and schedule is not None:
        if AssetLock.CIC_STATUTORY in allowed:
            return passed(
                _(
                    "Its articles adopt the asset-lock provisions of Schedule %(schedule)s of the CIC Regulations.",
                    schedule=schedule,
                )
            )
        lock = AssetLock.CIC_STATUTORY
    if lock is None:
        return unknown(_("Whether its assets are locked is not known."))
    impossible = _impossible_lock(lock, facts.legal_form)
    if impossible:
        return failed(impossible)
    if lock in allowed:
        return passed(_("It has %(lock)s.", lock=w.LOCK_NAMES[lock]))
    wanted = w.listing((w.LOCK_NAMES[a] for a in sorted(allowed)), "or")
    return failed(_("It has %(lock)s; the rule needs %(wanted)s.", lock=w.LOCK_NAMES[lock], wanted=wanted))


@check("legal_asset_lock", constitutional_forms=ParamKind.FORMS)
def legal_asset_lock(facts: StructureFacts, params: Parameters) -> Result:
    """A legally binding asset lock: statutory or charitable (recorded, or given by the legal form in law),
    or a lock in its own rules for the forms the rule accepts, with no dissolution clause undoing it."""
    profits = facts.profits
    recorded = profits.asset_lock if profits else None
    clause = profits.dissolution_clause if profits else None
    form = facts.legal_form
    if recorded is not None:
        impossible = _impossible_lock(recorded, form)
        if impossible:
            return failed(impossible)
    lock, how = _lock_of(facts)
    by_clause = False
    if lock is None and clause in _LOCKING_CLAUSES:
        lock, by_clause = AssetLock.CONSTITUTIONAL, True
    if lock is None:
        return unknown(_("Whether its assets are locked is not known."))
    if lock is AssetLock.NONE:
        return failed(_("It has no asset lock; the rule needs a legally binding asset lock."))
    undone = clause is DissolutionClause.TO_MEMBERS
    if undone or (lock is AssetLock.CONSTITUTIONAL and clause is DissolutionClause.NONE):
        if clause is DissolutionClause.TO_MEMBERS:
            return failed(
                _(
                    "It has %(lock)s, but its rules send what is left on dissolution to its members; a binding lock "
                    "sends it to another asset-locked body or to common ownership.",
                    lock=w.LOCK_NAMES[lock],
                )
            )
        return failed(
            _(
                "It has %(lock)s, but its rules send what is left on dissolution nowhere (its rules are silent); "
                "a binding lock sends it to another asset-locked body or to common ownership.",
                lock=w.LOCK_NAMES[lock],
            )
        )
    if lock is not AssetLock.CONSTITUTIONAL:
        if how:
            return passed(_("It has %(lock)s (%(how)s).", lock=w.LOCK_NAMES[lock], how=how))
        return passed(_("It has %(lock)s.", lock=w.LOCK_NAMES[lock]))
    forms = params.forms("constitutional_forms")
    if by_clause and clause is not None:
        what = _("a dissolution clause sending residual assets %(where)s", where=w.CLAUSE_NAMES[clause])
    else:
        what = _("an asset lock in its own rules")
    if form is None:
        return unknown(_("It has %(what)s; its legal form is needed to see whether that binds.", what=what))
    if form in forms:
        return passed(_("It has %(what)s, which the rule accepts for %(form)s.", what=what, form=w.form_name(form)))
    accepted = w.listing((w.form_name(f) for f in LegalForm if f in forms), "or")
    return failed(
        _(
            "It has an asset lock only in its own rules; for %(form)s the rule needs a statutory or charitable "
            "lock (an asset lock in the rules is accepted only for %(accepted)s).",
            form=w.form_name(form),
            accepted=accepted,
        )
    )


@check("distribution_basis_allowed", allowed=ParamKind.BASES)
def distribution_basis_allowed(facts: StructureFacts, params: Parameters) -> Result:
    allowed = params.bases("allowed")
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is None:
        return unknown(_("How profits are distributed is not known."))
    if basis in allowed:
        return passed(_("%(basis)s.", basis=w.capitalised(w.BASIS_NAMES[basis])))
    wanted = w.listing((w.BASIS_NAMES[b] for b in DistributionBasis if b in allowed), "or")
    return failed(
        _(
            "%(basis)s; the rule allows only that %(wanted)s.",
            basis=w.capitalised(w.BASIS_NAMES[basis]),
            wanted=wanted,
        )
    )


def _distribution_ceiling(facts: StructureFacts, params: Parameters) -> tuple[float | None, str]:
    """The most of its profits the organisation may distribute, and what sets that limit."""
    profits = facts.profits
    if profits is not None and profits.distribution_basis is DistributionBasis.NONE:
        return 0.0, _("its rules distribute no profits")
    # Each limit with a key that orders equal limits the same way in every language.
    limits: list[tuple[float, str, str]] = []
    if profits is not None and profits.distribution_cap_pct is not None:
        limits.append((profits.distribution_cap_pct, "its rules", _("its rules")))
    form = facts.legal_form
    if profits is not None and (form is None or form in _CIC_FORMS) and profits.cic_asset_lock_schedule == 1:
        limits.append(
            (
                0.0,
                "Schedule 1",
                _("Schedule 1 of the CIC Regulations, for a company without shares to pay dividends on"),
            )
        )
    caps = params.lock_caps("lock_caps")
    lock, how = _lock_of(facts)
    if lock is not None and lock in caps:
        words = _("%(lock)s, %(how)s", lock=w.LOCK_NAMES[lock], how=how) if how else w.LOCK_NAMES[lock]
        limits.append((caps[lock], f"{_LOCK_ORDER[lock]}", words))
    if not limits:
        return None, ""
    value, _key, why = min(limits)
    return value, why


# How equal limits were ordered when they were named in English: by the words, the lock's name first.
_LOCK_ORDER = {
    AssetLock.CIC_STATUTORY: "the statutory community interest company asset lock",
    AssetLock.CBS_STATUTORY: "the statutory community benefit society asset lock",
    AssetLock.CHARITABLE: "a charitable asset lock",
    AssetLock.CONSTITUTIONAL: "an asset lock in its own rules",
    AssetLock.NONE: "no asset lock",
}


@check("profits_to_purpose", min_pct=ParamKind.NUMBER, lock_caps=ParamKind.LOCK_CAPS)
def profits_to_purpose(facts: StructureFacts, params: Parameters) -> Result:
    """At least ``min_pct`` of profits go to its purpose: what it actually kept in the latest year decides;
    without that figure, rules that cannot pay out more than the rest guarantee it."""
    floor = params.number("min_pct")
    kept_pct = facts.profits.profits_reinvested_pct if facts.profits else None
    if kept_pct is not None:
        if kept_pct >= floor - EPSILON:
            return passed(
                _(
                    "It kept %(kept)s of the latest year's profits for its purpose; %(floor)s is needed.",
                    kept=w.pct(kept_pct),
                    floor=w.pct(floor),
                )
            )
        return failed(
            _(
                "It kept %(kept)s of the latest year's profits for its purpose; at least %(floor)s is needed.",
                kept=w.pct(kept_pct),
                floor=w.pct(floor),
            )
        )
    ceiling, why = _distribution_ceiling(facts, params)
    if ceiling is None:
        return unknown(
            _(
                "The most of its profits it may distribute is not known, nor the share it kept for its purpose in "
                "the latest year; at least %(floor)s must go to its purpose.",
                floor=w.pct(floor),
            )
        )
    kept = 100.0 - ceiling
    if kept >= floor - EPSILON:
        return passed(
            _(
                "At least %(kept)s of profits go to its purpose (%(why)s); %(floor)s is needed.",
                kept=w.pct(kept),
                why=why,
                floor=w.pct(floor),
            )
        )
    return unknown(
        _(
            "Up to %(ceiling)s of profits may be distributed (%(why)s), which could leave only %(kept)s for its "
            "purpose; the share of the latest year's profits it actually kept is needed (at least %(floor)s).",
            ceiling=w.pct(ceiling),
            why=why,
            kept=w.pct(kept),
            floor=w.pct(floor),
        )
    )


@check("capped_distributions", max_pct=ParamKind.NUMBER, lock_caps=ParamKind.LOCK_CAPS)
def capped_distributions(facts: StructureFacts, params: Parameters) -> Result:
    """Returns on capital capped at ``max_pct`` of profits, by its rules or by the cap its asset lock sets in
    law (inferred from the legal form when no lock is recorded, as the asset-lock rule does)."""
    most = params.number("max_pct")
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is DistributionBasis.NONE:
        return passed(_("It distributes no profits to members or investors."))
    if basis is DistributionBasis.PATRONAGE:
        return passed(_("Profits are shared by patronage (members' trade with it), not as a return on capital."))
    ceiling, why = _distribution_ceiling(facts, params)
    if ceiling is None:
        if basis is None:
            return unknown(_("How profits are distributed is not known."))
        return unknown(
            _(
                "Profits go to investors, but the most it may distribute is not known; at most %(most)s is allowed.",
                most=w.pct(most),
            )
        )
    if ceiling <= most + EPSILON:
        return passed(
            _(
                "At most %(ceiling)s of profits may be distributed (%(why)s); the rule allows %(most)s.",
                ceiling=w.pct(ceiling),
                why=why,
                most=w.pct(most),
            )
        )
    return failed(
        _(
            "Up to %(ceiling)s of profits may be distributed (%(why)s); the rule allows at most %(most)s.",
            ceiling=w.pct(ceiling),
            why=why,
            most=w.pct(most),
        )
    )


@check("share_interest_declared", benchmark_pct=ParamKind.NUMBER)
def share_interest_declared(facts: StructureFacts, params: Parameters) -> Result:
    benchmark = params.number("benchmark_pct")
    profits = facts.profits
    pays = profits.pays_share_interest if profits else None
    if pays is None:
        return unknown(_("Whether it pays interest on members' shares is not known."))
    if not pays:
        return passed(_("It pays no interest on members' shares."))
    cap = profits.share_interest_cap_pct if profits else None
    if cap is None:
        return unknown(_("It pays interest on shares, but the highest rate its rules allow is not recorded."))
    if cap > benchmark + EPSILON:
        return failed(
            _(
                "Its rules allow interest on shares of up to %(cap)s, above the %(benchmark)s benchmark.",
                cap=w.pct(cap),
                benchmark=w.pct(benchmark),
            )
        )
    return passed(_("Its rules cap interest on shares at %(cap)s.", cap=w.pct(cap)))


@check("max_withdrawable_holding", max_gbp=ParamKind.NUMBER)
def max_withdrawable_holding(facts: StructureFacts, params: Parameters) -> Result:
    ceiling = params.number("max_gbp")
    most = facts.profits.max_shareholding_gbp if facts.profits else None
    if most is None:
        return unknown(
            _(
                "The largest withdrawable shareholding its rules allow is not known (the limit is %(limit)s).",
                limit=w.money(ceiling),
            )
        )
    if most > ceiling + EPSILON:
        return failed(
            _(
                "Its rules let a member hold %(most)s in withdrawable shares; the limit is %(limit)s.",
                most=w.money(most),
                limit=w.money(ceiling),
            )
        )
    return passed(
        _(
            "Its rules cap a member's withdrawable shares at %(most)s (the limit is %(limit)s).",
            most=w.money(most),
            limit=w.money(ceiling),
        )
    )


@check("no_dividends_without_shares", guarantee_forms=ParamKind.FORMS, share_forms=ParamKind.FORMS)
def no_dividends_without_shares(facts: StructureFacts, params: Parameters) -> Result:
    form = facts.legal_form
    schedule = facts.profits.cic_asset_lock_schedule if facts.profits else None
    if schedule is not None and schedule != 1:
        return not_applicable(
            _("Its articles adopt Schedule %(schedule)s, for a company with shares.", schedule=schedule)
        )
    if form is not None and form in params.forms("share_forms") and schedule is None:
        return not_applicable(_("As %(form)s, it may pay dividends within the cap.", form=w.form_name(form)))
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is DistributionBasis.NONE:
        return passed(_("It distributes no profits."))
    if schedule is None and (form is None or form not in params.forms("guarantee_forms")):
        return unknown(_("Whether it is limited by shares or by guarantee is not known."))
    if basis is None:
        return unknown(_("How profits are distributed is not known."))
    if basis is DistributionBasis.PATRONAGE:
        return unknown(_("Its rules share profits by patronage; whether these are dividends is not known."))
    if schedule == 1:
        return failed(
            _(
                "%(basis)s, but its articles adopt Schedule 1, for a company no shares to pay dividends on.",
                basis=w.capitalised(w.BASIS_NAMES[basis]),
            )
        )
    return failed(
        _(
            "%(basis)s, but %(form)s has no shares to pay dividends on.",
            basis=w.capitalised(w.BASIS_NAMES[basis]),
            form=w.form_name(form),
        )
    )


@check("dividend_cap", max_pct=ParamKind.NUMBER, no_share_forms=ParamKind.FORMS)
def dividend_cap(facts: StructureFacts, params: Parameters) -> Result:
    cap = params.number("max_pct")
    form = facts.legal_form
    profits = facts.profits
    if profits is not None and profits.cic_asset_lock_schedule == 1:
        return not_applicable(
            _("Its articles adopt Schedule 1 of the CIC Regulations: it has no shares to pay dividends on.")
        )
    if form is not None and form in params.forms("no_share_forms"):
        return not_applicable(_("As %(form)s, it has no shares and pays no dividends.", form=w.form_name(form)))
    if profits is not None and profits.distribution_basis is DistributionBasis.NONE:
        return passed(_("Its rules distribute no profits, so it declares no dividends."))
    declared = profits.dividends_declared_gbp if profits else None
    if declared is None:
        return unknown(_("The dividends declared for the latest year are not known."))
    if declared <= 0:
        return passed(_("It declared no dividends in the latest year."))
    exempt = profits.dividends_exempt_gbp if profits else None
    pool = profits.distributable_profits_gbp if profits else None
    if pool is None:
        return unknown(
            _(
                "Dividends of %(declared)s were declared; distributable profits are needed to compare.",
                declared=w.money(declared),
            )
        )
    counted = declared - (exempt or 0.0)
    within = counted * 100.0 <= cap * pool + EPSILON
    if pool > 0:
        share = _(
            "Dividends of %(counted)s (not exempt) are %(share)s of distributable profits of %(pool)s; the cap is "
            "%(cap)s.",
            counted=w.money(counted),
            share=w.pct(100.0 * counted / pool),
            pool=w.money(pool),
            cap=w.pct(cap),
        )
    else:
        share = _(
            "Dividends of %(counted)s (not exempt) are declared with no distributable profits; the cap is %(cap)s.",
            counted=w.money(counted),
            cap=w.pct(cap),
        )
    if within:
        return passed(share)
    if exempt is None:
        return unknown(
            _(
                "Dividends of %(declared)s are over %(cap)s of distributable profits of %(pool)s unless some are "
                "exempt (paid to an asset-locked body); the exempt amount is not known.",
                declared=w.money(declared),
                cap=w.pct(cap),
                pool=w.money(pool),
            )
        )
    return failed(share)


@check("not_for_profit_or_member_distribution")
def not_for_profit_or_member_distribution(facts: StructureFacts, params: Parameters) -> Result:
    profits = facts.profits
    basis = profits.distribution_basis if profits else None
    if basis is DistributionBasis.NONE:
        return passed(_("It distributes no profits (it runs on a not-for-profit basis)."))
    if basis is DistributionBasis.PATRONAGE:
        return passed(_("It distributes profits only to members, by patronage."))
    only_members = profits.distributions_only_to_members if profits else None
    if only_members:
        return passed(_("Its rules distribute profits only to members."))
    if basis is None:
        return unknown(_("How profits are distributed is not known."))
    if only_members is None:
        return unknown(
            _(
                "%(basis)s; whether only members receive them is not known.",
                basis=w.capitalised(w.BASIS_NAMES[basis]),
            )
        )
    return failed(_("%(basis)s, including to people who are not members.", basis=w.capitalised(w.BASIS_NAMES[basis])))


@check("residual_assets_to_purpose", locks=ParamKind.LOCKS, clauses=ParamKind.CLAUSES)
def residual_assets_to_purpose(facts: StructureFacts, params: Parameters) -> Result:
    """All residual assets go to its purpose on dissolution: a dissolution clause in ``clauses``, or an asset
    lock in ``locks`` (recorded, or given by the legal form in law) that no dissolution clause contradicts."""
    clauses = params.clauses("clauses")
    profits = facts.profits
    clause = profits.dissolution_clause if profits else None
    recorded = profits.asset_lock if profits else None
    if recorded is not None:
        impossible = _impossible_lock(recorded, facts.legal_form)
        if impossible:
            return failed(impossible)
    if clause is not None and clause in clauses:
        return passed(_clause_sends(clause))
    lock, how = _lock_of(facts)
    if clause is not None:
        return failed(_clause_not_wanted(clause, clauses))
    if lock is not None and lock in params.locks("locks"):
        if how:
            return passed(
                _("It has %(lock)s (%(how)s), which commits its residual assets.", lock=w.LOCK_NAMES[lock], how=how)
            )
        return passed(_("It has %(lock)s, which commits its residual assets.", lock=w.LOCK_NAMES[lock]))
    if lock is not None:
        return failed(
            _("It has %(lock)s and no dissolution clause committing its residual assets.", lock=w.LOCK_NAMES[lock])
        )
    return unknown(
        _("Where its residual assets go on dissolution is not known (its dissolution clause or asset lock).")
    )


def _clause_sends(clause: DissolutionClause) -> str:
    return _("Its dissolution clause sends residual assets %(where)s.", where=w.CLAUSE_NAMES[clause])


def _clause_not_wanted(clause: DissolutionClause, clauses: frozenset[DissolutionClause]) -> str:
    return _(
        "Its dissolution clause sends residual assets %(where)s; the rule needs them sent %(wanted)s.",
        where=w.CLAUSE_NAMES[clause],
        wanted=w.listing((w.CLAUSE_NAMES[c] for c in DissolutionClause if c in clauses), "or"),
    )


@check("dissolution_clause_in", clauses=ParamKind.CLAUSES)
def dissolution_clause_in(facts: StructureFacts, params: Parameters) -> Result:
    clauses = params.clauses("clauses")
    clause = facts.profits.dissolution_clause if facts.profits else None
    if clause is None:
        return unknown(_("Where its rules send residual assets on dissolution is not known."))
    if clause in clauses:
        return passed(_clause_sends(clause))
    return failed(_clause_not_wanted(clause, clauses))
