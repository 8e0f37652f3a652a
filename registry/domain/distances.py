"""Distances as people say them."""

from __future__ import annotations

from registry.domain.language import gettext as _


def kilometres(value: float | None) -> str:
    """A distance as people say it: "0.3 km" under 10 km, "12 km" above; never "0 km" for somewhere nearby."""
    if value is None:
        return ""
    if value < 0.05:
        return _("less than %(km)s km", km="0.1")
    shown = f"{value:.1f}" if round(value, 1) < 10 else f"{value:.0f}"
    return _("%(km)s km", km=shown)
