"""How to reach the registry: corrections to a listing, complaints and accessibility problems."""

from registry.web.public import bp  # noqa: F401
