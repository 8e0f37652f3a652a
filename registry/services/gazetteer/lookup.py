"""Resolve what people type into a place: a postcode, district or sector, a town, an authority or a wider area."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import false, func, select

from registry.domain.areas import Area, PlaceKind, area_catalogue, place_name, welsh_name_code
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.postcodes import PostcodeKind, loose_outcode, loose_storage_key, parse_postcode_query
from registry.models.gazetteer import LocalAuthority, Outcode, Place, Postcode, Sector
from registry.services.gazetteer.sources import region_names
from registry.services.gazetteer.status import DbSession, is_gazetteer_loaded

ENTER_A_PLACE = _l("Enter a full or partial postcode, like S1 2HE or S1, or a town name")


@dataclass(frozen=True, slots=True)
class AreaRef:
    """A local authority or region: its ONS code and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """Where some search text points: a postcode, district, sector, town or local authority.

    ``name`` is what to show: the postcode in display form (``S1 2HE``), the district (``S1``), the
    sector (``S1 2``), or the town or authority's name. ``postcode`` is set only for a full postcode.
    """

    kind: PlaceKind
    name: str
    latitude: float
    longitude: float
    local_authority: AreaRef | None
    region: AreaRef | None
    postcode: str | None = None
    # For an area (a county, an ICB, a health board, a region...): its code and name, and the districts it is
    # made of, which a listing serves the area by serving one of.
    area: AreaRef | None = None
    districts: tuple[str, ...] = ()

    @property
    def served_codes(self) -> tuple[str, ...]:
        """The local authority districts a listing serves this place by serving."""
        if self.districts:
            return self.districts
        return (self.local_authority.code,) if self.local_authority else ()

    @property
    def served_name(self) -> str | None:
        """What a listing serving it serves, in words: the area, or the place's local authority."""
        if self.area is not None:
            return self.area.name
        return self.local_authority.name if self.local_authority else None

    @property
    def local_name(self) -> str:
        """``name`` in the language being spoken: a Welsh district or Wales by its Welsh name in Welsh
        ("Caerdydd"), everything else (postcodes, towns, England's places) as ``name``."""
        if self.kind is PlaceKind.LOCAL_AUTHORITY and self.local_authority is not None:
            return place_name(self.local_authority.code)
        if self.area is not None and self.kind is PlaceKind.REGION:
            return place_name(self.area.code)
        return self.name

    @property
    def served_local_name(self) -> str | None:
        """``served_name`` in the language being spoken."""
        if self.area is not None:
            return place_name(self.area.code) if self.kind is PlaceKind.REGION else self.area.name
        return place_name(self.local_authority.code) if self.local_authority else None


class PlaceNotResolved(Exception):
    """Base of the errors :func:`resolve_place` raises; ``message`` is for the person searching."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedPostcode(PlaceNotResolved):
    """The text is empty, or looks like an attempt at a postcode but cannot be one."""

    def __init__(self, text: str) -> None:
        super().__init__(str(ENTER_A_PLACE))
        self.text = text


class UnknownPostcode(PlaceNotResolved):
    """A postcode (full, district or sector) that is not in the gazetteer, or is no longer in use."""

    def __init__(self, postcode: str, *, terminated: bool = False) -> None:
        if terminated:
            message = _(
                "The postcode %(postcode)s is no longer in use. Enter a current postcode or a town name",
                postcode=postcode,
            )
        else:
            message = _(
                "We cannot find the postcode %(postcode)s. Check it and try again, or enter a town name",
                postcode=postcode,
            )
        super().__init__(message)
        self.postcode = postcode
        self.terminated = terminated


class PostcodeHasNoLocation(PlaceNotResolved):
    """The postcode exists but the directory gives it no grid reference (about 24,000 do)."""

    def __init__(self, postcode: str) -> None:
        super().__init__(
            _(
                "We do not know where the postcode %(postcode)s is on a map. Enter a nearby postcode or a town name "
                "instead",
                postcode=postcode,
            )
        )
        self.postcode = postcode


class UnknownPlace(PlaceNotResolved):
    """No town, city or local authority has this name; ``suggestions`` holds close names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        if suggestions:
            message = _(
                "We cannot find a place called %(place)s. Check the spelling, or enter a postcode. Did you mean "
                "%(suggestions)s?",
                place=text,
                suggestions=_or_list(suggestions),
            )
        else:
            message = _("We cannot find a place called %(place)s. Check the spelling, or enter a postcode", place=text)
        super().__init__(message)
        self.text = text
        self.suggestions = suggestions


class GazetteerNotLoaded(PlaceNotResolved):
    """The gazetteer tables are empty: run ``flask gazetteer build``. A fault to log, not the user's."""

    def __init__(self) -> None:
        super().__init__(_("Searching by postcode or place is not working at the moment. Try again later"))


def _or_list(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(names)s or %(last)s", names=", ".join(names[:-1]), last=names[-1])


_SEARCH_PUNCTUATION = re.compile("[.'\u2019,()]")


def place_search_name(name: str) -> str:
    """The key place names are matched on: case, punctuation, hyphens and "Saint"/"St" ignored."""
    key = _SEARCH_PUNCTUATION.sub("", name.casefold()).replace("-", " ")
    key = " ".join(key.split())
    return re.sub(r"\bsaint\b", "st", key)


def _area(code: str | None, name: str | None) -> AreaRef | None:
    if code is None:
        return None
    return AreaRef(code, name or code)


def place_region(code: str | None) -> AreaRef | None:
    """A region code as an area with its name."""
    if code is None:
        return None
    return AreaRef(code, region_names().get(code, code))


# Each kind of postcode's table, key, and whether a row is retired (only single postcodes are flagged).
_POSTCODE_TABLES: dict[PlaceKind, tuple[Any, Any, Any]] = {
    PlaceKind.POSTCODE: (Postcode, Postcode.pcd, Postcode.terminated),
    PlaceKind.OUTCODE: (Outcode, Outcode.outcode, false()),
    PlaceKind.SECTOR: (Sector, Sector.sector, false()),
}


def _lookup_postcode(session: DbSession, kind: PlaceKind, key: str, shown: str) -> ResolvedPlace:
    model, key_column, terminated_column = _POSTCODE_TABLES[kind]
    row = session.execute(
        select(
            model.latitude,
            model.longitude,
            terminated_column,
            model.lad_code,
            model.region_code,
            LocalAuthority.name,
        )
        .outerjoin(LocalAuthority, LocalAuthority.code == model.lad_code)
        .where(key_column == key)
    ).first()
    if row is None:
        _require_loaded(session)
        raise UnknownPostcode(shown)
    latitude, longitude, terminated, lad_code, region_code, lad_name = row
    if terminated:
        raise UnknownPostcode(shown, terminated=True)
    if latitude is None or longitude is None:
        raise PostcodeHasNoLocation(shown)
    return ResolvedPlace(
        kind=kind,
        name=shown,
        postcode=shown if kind is PlaceKind.POSTCODE else None,
        latitude=latitude,
        longitude=longitude,
        local_authority=_area(lad_code, lad_name),
        region=place_region(region_code),
    )


def _require_loaded(session: DbSession) -> None:
    if not is_gazetteer_loaded(session):
        raise GazetteerNotLoaded()


def _lookup_name(session: DbSession, text: str, suggest: bool = True) -> ResolvedPlace:
    key = place_search_name(text)
    authority = session.execute(
        select(LocalAuthority).where(LocalAuthority.search_name == key).order_by(LocalAuthority.code).limit(1)
    ).scalar_one_or_none()
    welsh_code = welsh_name_code(text) if authority is None else None
    if welsh_code is not None:
        # A Welsh district by its Welsh name ("Caerdydd", "Abertawe"): the same place as by its English one.
        authority = session.get(LocalAuthority, welsh_code)
    if authority is not None and authority.latitude is not None and authority.longitude is not None:
        itself, region = AreaRef(authority.code, authority.name), place_region(authority.region_code)
        centre = authority.latitude, authority.longitude
        return ResolvedPlace(PlaceKind.LOCAL_AUTHORITY, itself.name, *centre, itself, region)
    area = find_area(text)
    if area is not None:
        return _area_place(session, area)
    # Several towns can share a name (Newport, Richmond): take the most populous.
    found = session.execute(
        select(Place, LocalAuthority.name)
        .outerjoin(LocalAuthority, LocalAuthority.code == Place.lad_code)
        .where(Place.search_name == key)
        .order_by(Place.population.desc(), Place.id)
        .limit(1)
    ).first()
    if found is not None:
        place, lad_name = found
        authority_ref, region = _area(place.lad_code, lad_name), place_region(place.region_code)
        return ResolvedPlace(PlaceKind.PLACE, place.name, place.latitude, place.longitude, authority_ref, region)
    _require_loaded(session)
    # Suggestions compare the text with every place name: only worth it when someone will see them.
    raise UnknownPlace(text, suggest_places(session, text) if suggest else [])


def find_area(text: str) -> Area | None:
    """The county, combined authority, ICB, health board, region... with this name or code, or None."""
    return area_catalogue().find(text)


def _area_place(session: DbSession, area: Area) -> ResolvedPlace:
    """An area as a place: centred on its districts' postcodes, in the region most of them are in."""
    rows = session.execute(
        select(
            LocalAuthority.latitude, LocalAuthority.longitude, LocalAuthority.postcode_count, LocalAuthority.region_code
        ).where(LocalAuthority.code.in_(area.districts), LocalAuthority.latitude.is_not(None))
    ).all()
    if not rows:
        _require_loaded(session)
        raise UnknownPlace(area.name, [])
    weights = [float(max(count, 1)) for _, _, count, _ in rows]
    latitude = float(np.average([row[0] or 0.0 for row in rows], weights=weights))
    longitude = float(np.average([row[1] or 0.0 for row in rows], weights=weights))
    regions = Counter(region for *_, region in rows if region)
    return ResolvedPlace(
        kind=area.kind,
        name=area.name,
        latitude=latitude,
        longitude=longitude,
        local_authority=None,
        region=place_region(regions.most_common(1)[0][0]) if regions else None,
        area=AreaRef(area.code, area.name),
        districts=area.districts,
    )


def suggest_places(session: DbSession, text: str, limit: int = 5) -> list[str]:
    """Names close to ``text``: names it starts, then names with it as a word, then close spellings."""
    key = place_search_name(text)
    if not key:
        return []
    names: dict[str, tuple[str, int]] = {}  # search name -> (display name, population or rank)
    for name, search_name, count in session.execute(
        select(LocalAuthority.name, LocalAuthority.search_name, LocalAuthority.postcode_count)
    ):
        names[search_name] = (name, 10**9 + count)  # authorities before towns
    for name, search_name, population in session.execute(
        select(Place.name, Place.search_name, func.max(Place.population)).group_by(Place.name, Place.search_name)
    ):
        if search_name not in names or names[search_name][1] < population:
            names.setdefault(search_name, (name, population))
    for search_name, display in area_catalogue().names().items():
        names.setdefault(place_search_name(search_name), (display, 10**8))  # after authorities, before towns
    by_size = sorted(names, key=lambda n: -names[n][1])
    starting = [n for n in by_size if n.startswith(key)]
    # "hull" should find "kingston upon hull": a whole word inside the name.
    containing = [n for n in by_size if f" {key}" in f" {n}" and not n.startswith(key)]
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.75)
    chosen: list[str] = []
    for search_name in [*starting[:limit], *containing[:limit], *close]:
        display = names[search_name][0]
        if display not in chosen:
            chosen.append(display)
    return chosen[:limit]


def resolve_place(session: DbSession, text: str, *, suggest: bool = True) -> ResolvedPlace:
    """Resolve search text to a point: a full or partial postcode, a local authority or a town.

    Postcodes may be typed in any case or spacing. Names are matched whatever their case,
    punctuation or hyphens; a local authority of that name wins over a town, and of several towns the
    most populous wins. Raises a :class:`PlaceNotResolved` subclass with a message for the user.
    """
    stripped = " ".join(text.split())
    if not stripped:
        raise MalformedPostcode(text)
    query = parse_postcode_query(stripped)
    if query.kind is PostcodeKind.POSTCODE:
        assert query.storage_key is not None
        assert query.display is not None
        return _lookup_postcode(session, PlaceKind.POSTCODE, query.storage_key, query.display)
    if query.kind is PostcodeKind.OUTCODE:
        assert query.outcode is not None
        return _lookup_postcode(session, PlaceKind.OUTCODE, query.outcode, query.outcode)
    if query.kind is PostcodeKind.SECTOR:
        assert query.sector is not None
        return _lookup_postcode(session, PlaceKind.SECTOR, query.sector, query.sector)
    loose_key = loose_storage_key(stripped)
    if loose_key is not None:
        # Shaped like a postcode but not a current one: retired (W1M 0AA) or made up (ZZ9 9ZZ).
        return _lookup_postcode(session, PlaceKind.POSTCODE, loose_key, f"{loose_key[:4].rstrip()} {loose_key[4:]}")
    retired_or_made_up = loose_outcode(stripped)
    if retired_or_made_up is not None:
        _require_loaded(session)
        raise UnknownPostcode(retired_or_made_up)
    if any(ch.isdigit() for ch in stripped):
        # Not a postcode, but an area's code or a name holding one: a sub-ICB location ("02P", "NHS South
        # Yorkshire ICB - 02P"), as the commissioner filter reads them.
        area = find_area(stripped)
        if area is None:
            raise MalformedPostcode(text)
        return _area_place(session, area)
    return _lookup_name(session, stripped, suggest)
