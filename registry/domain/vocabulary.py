"""Closed vocabularies shared by the member-structure facts, the models and the forms.

The codes are stored in the database and sent over the API, so they never change once published; the
plain-English labels for them live in ``data/reference/labels.yaml`` (read through ``registry.domain.labels``).
"""

from __future__ import annotations

from enum import StrEnum


class LegalForm(StrEnum):
    CO_OPERATIVE_SOCIETY = "co_operative_society"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    CHARITABLE_CBS = "charitable_cbs"
    CIC_CLS = "cic_cls"  # community interest company limited by shares
    CIC_CLG = "cic_clg"  # community interest company limited by guarantee
    # A CIC whose sources do not say whether it is limited by shares or by guarantee.
    COMMUNITY_INTEREST_COMPANY = "community_interest_company"
    COMPANY_LIMITED_BY_SHARES = "company_limited_by_shares"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    CHARITABLE_COMPANY = "charitable_company"
    CIO = "cio"
    SCIO = "scio"
    LLP = "llp"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust"
    NHS_TRUST = "nhs_trust"
    FRIENDLY_SOCIETY = "friendly_society"
    UNINCORPORATED = "unincorporated"
    OTHER = "other"


class MemberClassKind(StrEnum):
    STAFF = "staff"
    SERVICE_USER = "service_user"  # service users and patients
    CARER = "carer"
    COMMUNITY_PUBLIC = "community_public"
    SUPPORTER = "supporter"
    INVESTOR = "investor"
    FOUNDER = "founder"
    PARTNER_ORG = "partner_org"
    LOCAL_AUTHORITY = "local_authority"
    OTHER = "other"


class VotingRule(StrEnum):
    ONE_MEMBER_ONE_VOTE = "one_member_one_vote"
    WEIGHTED_SHARE = "weighted_share"  # the class holds a fixed share of the votes (vote_share_pct)
    CAPPED_SHARE = "capped_share"  # the class's aggregate votes are capped at vote_share_pct
    VOTES_FOLLOW_SHARES = "votes_follow_shares"


class VoteDecision(StrEnum):
    ORDINARY = "ordinary"
    SPECIAL = "special"
    BOARD_ELECTION = "board_election"
    CONVERSION = "conversion"


class BoardSeatSource(StrEnum):
    ELECTED_BY_CLASS = "elected_by_class"
    APPOINTED = "appointed"
    EXECUTIVE = "executive"
    INDEPENDENT = "independent"
    CO_OPTED = "co_opted"


class AssetLock(StrEnum):
    CIC_STATUTORY = "cic_statutory"
    CBS_STATUTORY = "cbs_statutory"
    CHARITABLE = "charitable"
    CONSTITUTIONAL = "constitutional"
    NONE = "none"


class DissolutionClause(StrEnum):
    """Where the rules send the assets left after debts are paid if the organisation is dissolved."""

    TO_ASSET_LOCKED_BODY = "to_asset_locked_body"  # another asset-locked body (a charity, a CIC, a locked society)
    COMMON_OWNERSHIP = "common_ownership"  # to a body in common ownership (the co-operative model rules' option)
    TO_MEMBERS = "to_members"  # shared out among the members
    NONE = "none"  # the rules say nothing about it


class DistributionBasis(StrEnum):
    NONE = "none"
    PATRONAGE = "patronage"
    CAPITAL = "capital"
    MIXED = "mixed"


class Origin(StrEnum):
    INDEPENDENT = "independent"
    NHS_SPIN_OUT = "nhs_spin_out"
    LOCAL_AUTHORITY_SPIN_OUT = "local_authority_spin_out"
    CENTRAL_GOVERNMENT_SPIN_OUT = "central_government_spin_out"
    CONVERSION = "conversion"


class SpinOutProgramme(StrEnum):
    RIGHT_TO_REQUEST = "right_to_request"
    RIGHT_TO_PROVIDE = "right_to_provide"
    MUTUALS_SUPPORT_PROGRAMME = "mutuals_support_programme"
    OTHER = "other"


class Outcome(StrEnum):
    """What one rule found."""

    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    WARNING = "warning"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_INFORMATION = "needs_information"
    SELF_DECLARED = "self_declared"


class Verdict(StrEnum):
    """What a whole rule set concluded."""

    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    NEEDS_INFORMATION = "needs_information"
    NOT_APPLICABLE = "not_applicable"


class AuditAction(StrEnum):
    """What an audit event records (``AuditEvent.action``): its area, a dot, then what happened."""

    ACCOUNT_CREATED = "account.created"
    ACCOUNT_SIGNED_UP = "account.signed_up"
    ACCOUNT_SIGN_UP_REPEATED = "account.sign_up_repeated"
    ACCOUNT_EMAIL_CONFIRMED = "account.email_confirmed"
    ACCOUNT_CONFIRMATION_FAILED = "account.confirmation_failed"
    ACCOUNT_SIGNED_IN = "account.signed_in"
    ACCOUNT_SIGN_IN_FAILED = "account.sign_in_failed"
    ACCOUNT_SIGNED_OUT = "account.signed_out"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 (an action, not a password)
    ACCOUNT_PASSWORD_RESET_REQUESTED = "account.password_reset_requested"  # noqa: S105 (an action, not a password)
    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # noqa: S105 (an action, not a password)
    ACCOUNT_ROLE_CHANGED = "account.role_changed"
    LISTING_DRAFT_STARTED = "listing.draft_started"
    LISTING_SUBMITTED = "listing.submitted"
    LISTING_WITHDRAWN = "listing.withdrawn"
    LISTING_CLAIMED = "listing.claimed"
    LISTING_CHANGE_PROPOSED = "listing.change_proposed"
    MODERATION_CLAIM_APPROVED = "moderation.claim_approved"
    MODERATION_CLAIM_REJECTED = "moderation.claim_rejected"
    MODERATION_CHANGE_APPROVED = "moderation.change_approved"
    MODERATION_CHANGE_REJECTED = "moderation.change_rejected"
    MODERATION_LISTING_SUSPENDED = "moderation.listing_suspended"
    MODERATION_LISTING_REINSTATED = "moderation.listing_reinstated"
    MODERATION_REVISION_RESTORED = "moderation.revision_restored"
