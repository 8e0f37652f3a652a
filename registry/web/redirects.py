"""Where it is safe to send someone after they sign in: only a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

# Browsers treat a backslash like a slash ("/\evil.example" is "//evil.example") and ignore tabs and newlines
# inside URLs, so a target holding any of them is refused outright.
_REFUSED_CHARACTERS = frozenset("\\\t\r\n\x00")


def is_safe_url(target: str | None) -> bool:
    """Whether ``target`` is a path on this site, like ``/account?tab=1``: no scheme, no host, no ``//``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if any(character in _REFUSED_CHARACTERS or ord(character) < 32 for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is safe to redirect to, otherwise ``default``."""
    return target if target is not None and is_safe_url(target) else default
