"""Distances as people say them."""

from __future__ import annotations


def kilometres(value: float | None) -> str:
    """A distance as people say it: "0.3 km" under 10 km, "12 km" above; never "0 km" for somewhere nearby."""
    if value is None:
        return ""
    if value < 0.05:
        return "less than 0.1 km"
    if round(value, 1) < 10:
        return f"{value:.1f} km"
    return f"{value:.0f} km"
