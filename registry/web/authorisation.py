"""Who may do what: roles, and permissions named ``scope:resource:action`` that roles grant.

Admins have every other role's rights. Views guard themselves with ``role_required`` or ``permission_required``;
templates ask ``can(current_user, "...")`` to decide whether to show a link, so the link and the check agree.
Anonymous visitors are sent to sign in (HTML) or told 401 (JSON); signed-in people without the right get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from registry.extensions import login_manager
from registry.models import Role

F = TypeVar("F", bound=Callable[..., Any])

ANY_ROLE: tuple[Role, ...] = tuple(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "account:own:read": frozenset(ANY_ROLE),
    "account:own:update": frozenset(ANY_ROLE),
    "listing:own:update": frozenset({Role.REPRESENTATIVE}),
    "listing:claim:create": frozenset({Role.REPRESENTATIVE}),
    "commission:shortlist:manage": frozenset({Role.COMMISSIONER}),
    "commission:export:read": frozenset({Role.COMMISSIONER}),
    "moderate:listing:review": frozenset({Role.MODERATOR}),
    "moderate:listing:verify": frozenset({Role.MODERATOR}),
    "moderate:listing:suspend": frozenset({Role.MODERATOR}),
    "admin:user:change_role": frozenset({Role.ADMIN}),
}


def has_role(user: Any, *roles: Role) -> bool:
    """Whether a signed-in ``user`` holds one of ``roles``; an admin holds them all."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or user.role in {role.value for role in roles}


def can(user: Any, permission: str) -> bool:
    """Whether ``user`` has ``permission``; an unknown permission name is a programming error."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; add it to PERMISSIONS")
    return has_role(user, *PERMISSIONS[permission])


def _guard(allowed: Callable[[Any], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorator


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let through signed-in people with one of ``roles`` (or admins)."""
    if not roles:
        raise ValueError("role_required needs at least one role")
    return _guard(lambda user: has_role(user, *roles))


def permission_required(permission: str) -> Callable[[F], F]:
    """Let through signed-in people whose role grants ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; add it to PERMISSIONS")
    return _guard(lambda user: can(user, permission))
