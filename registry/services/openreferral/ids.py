"""Stable ids of the feed's objects: UUID 5s in a namespace of ours.

Ids are made from keys that survive edits and rebuilds: listing slugs (which never change), service types, and
what a place is (its name, address and postcode) rather than row ids, because editing a listing replaces its child
rows. Finding an object by id therefore goes through the keys of the published listings; at the registry's scale
(thousands of listings) that is a fast scan.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

# Our namespace for UUID 5 ids: never change it, or every id in the feed changes.
NAMESPACE = uuid.UUID("4f330468-762f-49d0-a509-99f035a21037")


@functools.lru_cache(maxsize=65_536)
def stable_id(*key: str) -> str:
    """The UUID 5 of a key: the kind first, then the parts that identify the object, joined by the unit
    separator (which slugs and codes never contain, and which ``squash`` removes from free text)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(key)))


def organization_id(slug: str) -> str:
    return stable_id("organization", slug)


def service_id(slug: str, service_type_code: str) -> str:
    return stable_id("service", slug, service_type_code)


def taxonomy_id(name: str) -> str:
    return stable_id("taxonomy", name)


def taxonomy_term_id(taxonomy: str, code: str) -> str:
    return stable_id("taxonomy_term", taxonomy, code)


def service_at_location_id(service_uuid: str, location_uuid: str) -> str:
    return stable_id("service_at_location", service_uuid, location_uuid)


def squash(value: str | None) -> str:
    """Text casefolded with its whitespace runs made single spaces, as places are compared."""
    return " ".join((value or "").split()).casefold()


class PlaceFields(Protocol):
    """What a place's id is made from: a ``Location``, or a row of just these columns."""

    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def postcode(self) -> str | None: ...


def location_ids(slug: str, locations: Sequence[PlaceFields]) -> list[str]:
    """Ids of a listing's places, in order: each from its name, address and postcode (a second identical place
    is told apart by its count), so an id lasts as long as the place it names."""
    seen: Counter[tuple[str, str, str]] = Counter()
    ids = []
    for loc in locations:
        key = (squash(loc.name), squash(loc.address), squash(loc.postcode).replace(" ", ""))
        seen[key] += 1
        ids.append(stable_id("location", slug, *key, str(seen[key])))
    return ids


def parse_uuid(value: str | None) -> str | None:
    """The canonical form of a UUID, or None when the text is not one."""
    if not value or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None
