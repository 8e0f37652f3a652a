"""Plain-English explanation pages: what the registry's words mean, linked from where they appear."""

from registry.web.public import bp  # noqa: F401
