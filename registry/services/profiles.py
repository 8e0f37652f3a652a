"""Commissioners' own profiles: save, version, share by link, and use them to filter, rank and export.

Who may use a profile is decided here, once, for every page and the API: its owner, and commissioners who took up
its shared link (while it is still shared). Anyone else, admins included, is told it does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.domain.language import gettext as _
from registry.domain.structure import StructureFacts
from registry.domain.validator.model import Assessment
from registry.domain.validator.profiles import (
    VERDICT_CODES,
    Catalogue,
    ProfileColumns,
    ProfileError,
    assess_profile,
    facts_unknown,
    profile_columns,
    profile_verdicts,
)
from registry.domain.vocabulary import Verdict
from registry.models import Profile, ProfileShare, ProfileVersion, Role, User
from registry.models.profiles import PROFILE_NAME_MAX
from registry.services.rule_outcomes import catalogue, outcome_table
from registry.services.search_index import FacetIndex

__all__ = [
    "ChosenProfile",
    "ProfileError",
    "catalogue",
    "create_profile",
    "delete_profile",
    "get_profile",
    "profile_by_token",
    "profiles_of",
    "share_profile",
    "stop_sharing",
    "take_up",
    "update_profile",
]


def _clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ProfileError({"name": _("Enter a name for the profile")})
    if len(cleaned) > PROFILE_NAME_MAX:
        raise ProfileError({"name": _("Enter a name of %(num)s characters or fewer", num=PROFILE_NAME_MAX)})
    return cleaned


def _name_taken(session: Session, owner: User, name: str, except_id: int | None = None) -> bool:
    query = select(Profile.id).where(Profile.owner_id == owner.id, Profile.name == name)
    if except_id is not None:
        query = query.where(Profile.id != except_id)
    return session.scalar(query) is not None


def _is_commissioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (Role.COMMISSIONER, Role.ADMIN)


def profiles_of(session: Session, user: User) -> list[Profile]:
    """The commissioner's own profiles and those shared with them, by name."""
    shared = select(ProfileShare.profile_id).where(ProfileShare.user_id == user.id)
    query = (
        select(Profile)
        .where(or_(Profile.owner_id == user.id, (Profile.id.in_(shared)) & Profile.share_token.is_not(None)))
        .options(selectinload(Profile.versions))
        .order_by(Profile.name, Profile.id)
    )
    return list(session.scalars(query))


def get_profile(session: Session, user: Any, profile_id: int, owner_only: bool = False) -> Profile | None:
    """The profile if ``user`` may use it (its owner; or, unless ``owner_only``, a commissioner who took up its
    link while it is shared); None otherwise, whoever asks."""
    if not _is_commissioner(user):
        return None
    profile = session.get(Profile, profile_id)
    if profile is None:
        return None
    if profile.owner_id == user.id:
        return profile
    if owner_only or profile.share_token is None:
        return None
    taken = session.get(ProfileShare, (profile.id, user.id))
    return profile if taken is not None else None


def profile_by_token(session: Session, user: Any, token: str) -> Profile | None:
    """A shared profile by its link's token, for a commissioner; None for anyone else or a token not in use."""
    if not _is_commissioner(user) or not token or len(token) > 64:
        return None
    profile = session.scalar(select(Profile).where(Profile.share_token == token))
    if profile is None or not secrets.compare_digest(profile.share_token or "", token):
        return None
    return profile


def create_profile(session: Session, owner: User, name: str, rules: Mapping[str, Mapping[str, float]]) -> Profile:
    """Save a new profile (version 1). Raises ``ProfileError`` with a message per field."""
    cleaned = _clean_name(name)
    checked = catalogue().check_choice(rules)
    if _name_taken(session, owner, cleaned):
        raise ProfileError({"name": _("You already have a profile called %(name)s", name=cleaned)})
    profile = Profile(owner=owner, name=cleaned)
    profile.versions.append(ProfileVersion(number=1, rules=checked))
    session.add(profile)
    session.flush()
    return profile


def update_profile(
    session: Session, profile: Profile, name: str, rules: Mapping[str, Mapping[str, float]]
) -> ProfileVersion | None:
    """Rename the profile and, when its rules or numbers changed, save them as its next version (returned)."""
    cleaned = _clean_name(name)
    checked = catalogue().check_choice(rules)
    if _name_taken(session, profile.owner, cleaned, except_id=profile.id):
        raise ProfileError({"name": _("You already have a profile called %(name)s", name=cleaned)})
    profile.name = cleaned
    if checked == profile.current.rules:
        return None
    version = ProfileVersion(number=profile.current.number + 1, rules=checked)
    profile.versions.append(version)
    session.flush()
    return version


def delete_profile(session: Session, profile: Profile) -> None:
    session.delete(profile)


def share_profile(profile: Profile) -> str:
    """Share the profile by link (a new random token each time it is shared again)."""
    if profile.share_token is None:
        profile.share_token = secrets.token_urlsafe(32)
    return profile.share_token


def stop_sharing(session: Session, profile: Profile) -> None:
    """Make the profile private again: the link stops working, and those who took it up lose it."""
    profile.share_token = None
    session.execute(delete(ProfileShare).where(ProfileShare.profile_id == profile.id))


def take_up(session: Session, profile: Profile, user: User) -> bool:
    """Add a shared profile to a commissioner's profiles; False if it is theirs or already taken up."""
    if profile.owner_id == user.id or session.get(ProfileShare, (profile.id, user.id)) is not None:
        return False
    session.add(ProfileShare(profile_id=profile.id, user_id=user.id))
    return True


def version_label(profile: Profile, version: ProfileVersion | None = None) -> str:
    """How verdicts and exports name a profile: "Sheffield homecare (version 2)"."""
    return _("%(name)s (version %(number)s)", name=profile.name, number=(version or profile.current).number)


# ---------------------------------------------------------------------------------------------------
# Using a profile: its verdicts, from the listings' precomputed outcomes


@dataclass(frozen=True)
class ChosenProfile:
    """A profile version chosen for a search: what to filter by, and how to label it."""

    profile_id: int
    number: int
    label: str
    rules: Mapping[str, Mapping[str, float]]
    verdicts: tuple[Verdict, ...] = (Verdict.MEETS,)

    @property
    def columns(self) -> ProfileColumns:
        return profile_columns(catalogue(), self.rules)


def choose(profile: Profile, verdicts: Sequence[Verdict] = (Verdict.MEETS,)) -> ChosenProfile:
    current = profile.current
    return ChosenProfile(profile.id, current.number, version_label(profile), current.rules, tuple(verdicts))


def verdicts_over(
    session: Session, index: FacetIndex, chosen: ChosenProfile
) -> tuple[np.ndarray[Any, np.dtype[np.int8]], np.ndarray[Any, np.dtype[np.int16]]]:
    """Every published listing's verdict code against the profile (in the facet index's order) and the number
    of facts its undecided rules ask for."""
    return profile_verdicts(outcome_table(session, index), chosen.columns)


def verdicts_of(session: Session, index: FacetIndex, chosen: ChosenProfile, ids: Sequence[int]) -> dict[int, str]:
    """The verdicts of listings ``ids`` (published ones) against the profile, as verdict codes."""
    verdicts, _ = verdicts_over(session, index, chosen)
    pos, found = index.positions(np.array(list(ids), dtype=np.int64))
    return {int(i): VERDICT_CODES[verdicts[p]].value for i, p, ok in zip(ids, pos, found, strict=True) if ok}


def assess_against(facts: StructureFacts, chosen: ChosenProfile) -> Assessment:
    """One structure's full assessment against the profile, with a finding per chosen rule."""
    return assess_profile(facts, catalogue(), chosen.rules, chosen.label, f"version {chosen.number}")


def missing_facts(assessment: Assessment) -> tuple[str, ...]:
    return facts_unknown(assessment)


def catalogue_groups(cat: Catalogue | None = None) -> list[tuple[str, str, list[Any]]]:
    """The catalogue by rule set, in the rule sets' order: (id, title, [CatalogueRule, ...])."""
    groups: dict[str, tuple[str, str, list[Any]]] = {}
    for entry in (cat or catalogue()).rules.values():
        groups.setdefault(entry.ruleset.id, (entry.ruleset.id, entry.ruleset.title, []))[2].append(entry)
    return list(groups.values())
