"""Who is a commissioner (granted by a moderator, or by the address's domain on sign-in), and the size bands and
rule sets commissioners filter on.

Every function takes the database session and none commits, so the view decides when the work is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.validator import load_rulesets
from registry.models import Role, User
from registry.services.accounts import change_role, find_user
from registry.services.search_index import PREFERRED_PROVIDER_RULESET
from registry.services.search_refinements import Band


class CommissioningError(ValueError):
    """Something the person has to put right; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_domains(setting: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"nhs.net, gov.uk"`` → ``("nhs.net", "gov.uk")``: lower case, without leading dots or @ signs."""
    if not setting:
        return ()
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    return tuple(dict.fromkeys(d.strip().lower().lstrip("@.") for d in items if d and d.strip()))


def email_in_domains(email: str, domains: Sequence[str]) -> bool:
    """Whether the address is at one of ``domains`` or a subdomain of one (``sheffield.gov.uk`` is in ``gov.uk``)."""
    _, _, domain = email.strip().lower().rpartition("@")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def grant_by_email_domain(session: Session, user: User, domains: Sequence[str]) -> bool:
    """Make a confirmed representative at a commissioning domain a commissioner. Returns whether it did.

    Only the default role is raised: moderators and admins keep theirs, and nothing is ever lowered here.
    """
    if user.role != Role.REPRESENTATIVE.value or not user.is_confirmed or not email_in_domains(user.email, domains):
        return False
    change_role(session, user, Role.COMMISSIONER, actor=None)
    return True


def grant_commissioner(session: Session, email: str, *, actor: User, ip: str | None = None) -> User:
    """A moderator makes the account with this address a commissioner."""
    user = find_user(session, email)
    if user is None:
        raise CommissioningError(
            _("There is no account with that email address. Ask them to create an account first"), "email"
        )
    if user.role == Role.COMMISSIONER.value:
        raise CommissioningError(_("%(email)s is already a commissioner", email=user.email), "email")
    if user.role != Role.REPRESENTATIVE.value:
        if user.role == Role.MODERATOR.value:
            message = _(
                "%(email)s is a moderator. An account has one role: ask an administrator to change it",
                email=user.email,
            )
        elif user.role == Role.ADMIN.value:
            message = _(
                "%(email)s is an admin. An account has one role: ask an administrator to change it", email=user.email
            )
        else:
            message = _(
                "%(email)s is a %(role)s. An account has one role: ask an administrator to change it",
                email=user.email,
                role=user.role,
            )
        raise CommissioningError(message, "email")
    change_role(session, user, Role.COMMISSIONER, actor=actor, ip=ip)
    return user


def revoke_commissioner(session: Session, user_id: int, *, actor: User, ip: str | None = None) -> User | None:
    """Return a commissioner to the default role; None if there is no commissioner with that id."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.COMMISSIONER.value:
        return None
    change_role(session, user, Role.REPRESENTATIVE, actor=actor, ip=ip)
    return user


def commissioners(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == Role.COMMISSIONER.value).order_by(User.email)))


# ---------------------------------------------------------------------------------------------------
# Size bands: the figures commissioners filter on, in bands people recognise


@dataclass(frozen=True)
class SizeBand:
    code: str
    label: Any  # words, in the language being spoken when shown (lazy)
    band: Band


NOT_KNOWN = "not_known"
# Employees: the Companies Act's micro, small and medium thresholds.
EMPLOYEE_BANDS = (
    SizeBand("micro", _l("Fewer than 10 employees"), Band(0, 10)),
    SizeBand("small", _l("10 to 49 employees"), Band(10, 50)),
    SizeBand("medium", _l("50 to 249 employees"), Band(50, 250)),
    SizeBand("large", _l("250 or more employees"), Band(250, None)),
    SizeBand(NOT_KNOWN, _l("Number of employees not known"), Band()),
)
TURNOVER_BANDS = (
    SizeBand("under_250k", _l("Under £250,000"), Band(0, 250_000)),
    SizeBand("250k_to_1m", _l("£250,000 to £1 million"), Band(250_000, 1_000_000)),
    SizeBand("1m_to_10m", _l("£1 million to £10 million"), Band(1_000_000, 10_000_000)),
    SizeBand("10m_to_50m", _l("£10 million to £50 million"), Band(10_000_000, 50_000_000)),
    SizeBand("over_50m", _l("Over £50 million"), Band(50_000_000, None)),
    SizeBand(NOT_KNOWN, _l("Turnover not known"), Band()),
)


def ruleset_titles() -> dict[str, str]:
    """Rule set ids to titles (in the language being spoken), the preferred-provider profile first, then the rule
    sets' own order."""
    rulesets = sorted(load_rulesets(), key=lambda r: r.id != PREFERRED_PROVIDER_RULESET)
    return {r.id: r.text("title") or r.title for r in rulesets}
