"""Commissioners' forms: the search filters (a GET form read like the public search), and the shortlist and
role forms (POST, with CSRF). Messages say what to do, in the GOV.UK and NHS.UK style."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.domain.areas import area_catalogue
from registry.domain.labels import VERDICT
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.paging import PageRequest, PagingError, page_request
from registry.domain.search_query import SearchQuery, SearchQueryError, clean_text, parse_search_query
from registry.models.commissioning import NOTE_MAX, SHORTLIST_NAME_MAX
from registry.services.commissioners import EMPLOYEE_BANDS, TURNOVER_BANDS, ruleset_titles
from registry.services.gazetteer.lookup import place_search_name
from registry.services.gazetteer.sources import load_lad_regions
from registry.services.search_facets import known_facet_values
from registry.services.search_refinements import SORT_KEYS, Refinement
from registry.web.forms import email_field, form_errors
from registry.web.profiles import read_profile

__all__ = [
    "AddToShortlistForm",
    "CommissionSearch",
    "GrantCommissionerForm",
    "NoteForm",
    "ShortlistForm",
    "form_errors",
    "read_commission_search",
]

VERDICTS = tuple(VERDICT)
VERIFICATION = {"verified": _l("Verified by the registry"), "unverified": _l("Not verified")}
BASED_WITHIN_CHOICES = (5, 10, 25, 50)
MAX_AREAS = 20
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


# ---------------------------------------------------------------------------------------------------
# Local authorities, by name or code


@cache
def local_authorities() -> dict[str, str]:
    """Every current local authority district: ONS code → name (``data/reference/lad_regions.csv``)."""
    return {code: row.lad_name for code, row in sorted(load_lad_regions().items(), key=lambda item: item[1].lad_name)}


def _area_key(name: str) -> str:
    # ONS names a few authorities "Bristol, City of"; people say "Bristol".
    for suffix in (", city of", ", county of"):
        name = name.casefold().removesuffix(suffix)
    return place_search_name(name)


@cache
def _areas_by_key() -> dict[str, str]:
    return {_area_key(name): code for code, name in local_authorities().items()}


def _area_choices() -> dict[str, str]:
    """Every name an area answers to (local authorities, then counties, ICBs, health boards...) → its name."""
    names = {key: local_authorities()[code] for key, code in _areas_by_key().items()}
    for key, name in area_catalogue().names().items():
        names.setdefault(_area_key(key), name)
    return names


def area_names() -> list[str]:
    """Names to offer as the commissioner types: local authorities, then the wider areas."""
    return [*local_authorities().values(), *(area.name for area in area_catalogue().areas)]


def find_areas(values: list[str]) -> tuple[tuple[str, ...], list[str], str | None]:
    """Local authorities or wider areas (a county, combined authority, ICB, sub-ICB location or health board),
    by name or code (each value may hold several, separated by commas) → (the districts they cover, the names
    as the registry spells them, a message for the first one not found, with the closest names)."""
    codes: list[str] = []
    names: list[str] = []
    for value in values:
        for part in value.split(","):
            text = clean_text(part)
            if not text:
                continue
            code = text.upper() if text.upper() in local_authorities() else _areas_by_key().get(_area_key(text))
            districts: tuple[str, ...]
            if code is not None:
                districts, name = (code,), local_authorities()[code]
            else:
                area = area_catalogue().find(text)
                if area is None:
                    choices = _area_choices()
                    close = difflib.get_close_matches(_area_key(text), list(choices), n=3, cutoff=0.75)
                    suggested = list(dict.fromkeys(choices[key] for key in close))
                    if suggested:
                        problem = _(
                            "We could not find a local authority, county, ICB or health board called %(name)s. "
                            "Did you mean %(suggestions)s?",
                            name=text[:60],
                            suggestions=_(" or ").join(suggested),
                        )
                    else:
                        problem = _(
                            "We could not find a local authority, county, ICB or health board called %(name)s.",
                            name=text[:60],
                        )
                    return (), [], problem
                districts, name = area.districts, area.name
            codes += [district for district in districts if district not in codes]
            if name not in names:
                names.append(name)
    if len(names) > MAX_AREAS:
        return (), [], _("Enter %(num)s areas or fewer", num=MAX_AREAS)
    return tuple(codes), names, None


# ---------------------------------------------------------------------------------------------------
# The search filters


@dataclass
class CommissionSearch:
    """A commissioner's search as read from the query string: what to run, and what to show in the form."""

    query: SearchQuery
    refinement: Refinement
    paging: PageRequest
    area_names: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def selected(self, name: str) -> list[str]:
        values: list[str] = self.raw.get(name, [])
        return values

    @property
    def filtered(self) -> bool:
        return bool(
            not self.query.is_empty
            or self.refinement.areas
            or self.refinement.verdicts
            or self.refinement.verification
            or self.refinement.employees
            or self.refinement.turnover_gbp
            or self.refinement.profile
        )


def _values(args: MultiDict[str, str], name: str) -> list[str]:
    return [v.strip() for v in args.getlist(name) if v and v.strip()]


def read_commission_search(session: Session, args: MultiDict[str, str]) -> CommissionSearch:
    """Read and check the filters; a bad value gets a message naming its field, and the rest still apply."""
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {key: _values(args, key) for key in args}

    try:
        query = parse_search_query(args.to_dict(flat=False), known_facet_values(session))
    except SearchQueryError as error:
        errors.update(error.fields)
        good = {key: value for key, value in args.to_dict(flat=False).items() if key not in error.fields}
        query = parse_search_query(good, known_facet_values(session))

    codes, names, problem = find_areas(_values(args, "area"))
    if problem:
        errors["area"] = problem
    all_areas = args.get("area_match", "any") == "all"
    based_within: float | None = None
    based = args.get("based_km", "").strip()
    if based:
        if based.isdecimal() and int(based) in BASED_WITHIN_CHOICES:
            based_within = float(based)
        else:
            errors["based_km"] = _("Choose a distance from the list")
        if not codes and "area" not in errors:
            errors["area"] = _("Enter the local authorities to measure the distance from, like Sheffield")

    titles = ruleset_titles()
    verdicts: dict[str, list[str]] = {}
    for value in _values(args, "verdict"):
        ruleset_id, _colon, verdict = value.partition(":")
        if ruleset_id not in titles or verdict not in VERDICTS:
            errors["verdict"] = _("Choose each rule set's verdict from the lists")
            continue
        verdicts.setdefault(ruleset_id, []).append(verdict)

    bands = {}
    for name, vocabulary in (("employees", EMPLOYEE_BANDS), ("turnover", TURNOVER_BANDS)):
        by_code = {band.code: band.band for band in vocabulary}
        chosen = _values(args, name)
        if any(code not in by_code for code in chosen):
            errors[name] = _("Choose sizes from the list")
        bands[name] = tuple(by_code[code] for code in chosen if code in by_code)

    verification = tuple(_values(args, "verification"))
    if any(v not in VERIFICATION for v in verification):
        errors["verification"] = _("Choose verified or not verified")
        verification = tuple(v for v in verification if v in VERIFICATION)

    profile, profile_errors = read_profile(args, args.getlist)
    errors.update(profile_errors)

    sort = args.get("sort") or None
    if sort is not None and sort not in SORT_KEYS:
        errors["sort"] = _("Choose a column to sort by from the table")
        sort = None
    if sort == "plausible" and profile is None and "profile" not in errors:
        errors["sort"] = _("Choose a profile to rank the results against")
        sort = None
    descending = args.get("order") == "desc"

    try:
        paging = page_request(args.get("page"), args.get("per_page"), DEFAULT_PER_PAGE, MAX_PER_PAGE)
    except PagingError as error:
        errors["page"] = str(error)
        paging = PageRequest(1, DEFAULT_PER_PAGE)

    refinement = Refinement(
        verdicts={key: tuple(values) for key, values in verdicts.items()},
        verification=verification,
        employees=bands["employees"],
        turnover_gbp=bands["turnover"],
        areas=codes,
        all_areas=all_areas,
        based_within_km=based_within if codes else None,
        sort=sort,
        descending=descending,
        profile=profile,
    )
    raw["area_text"] = ", ".join(names) if names else ", ".join(_values(args, "area"))
    return CommissionSearch(query, refinement, paging, names, raw, errors)


def describe(search: CommissionSearch, labels: dict[str, dict[str, str]]) -> str:
    """The filters in words, for the export's "About" sheet and metadata."""
    parts = []
    if search.query.text:
        parts.append(_("text: %(text)s", text=search.query.text))
    if search.area_names:
        joined = (_(" and ") if search.refinement.all_areas else _(" or ")).join(search.area_names)
        if search.refinement.based_within_km:
            parts.append(
                _(
                    "serves %(areas)s, or based within %(km)s km",
                    areas=joined,
                    km=format(search.refinement.based_within_km, "g"),
                )
            )
        else:
            parts.append(_("serves %(areas)s", areas=joined))
    for facet, values in search.query.filters.items():
        names = [labels.get(facet, {}).get(v, v) for v in values]
        parts.append(f"{facet.replace('_', ' ')}: {', '.join(names)}")
    titles = ruleset_titles()
    for ruleset_id, verdicts in search.refinement.verdicts.items():
        parts.append(f"{titles[ruleset_id]}: {', '.join(v.replace('_', ' ') for v in verdicts)}")
    for name in ("employees", "turnover", "verification"):
        if search.selected(name):
            parts.append(f"{name}: {', '.join(search.selected(name))}")
    profile = search.refinement.profile
    if profile is not None:
        wanted = ", ".join(v.value.replace("_", " ") for v in profile.verdicts)
        parts.append(_("profile %(profile)s: %(verdicts)s", profile=profile.label, verdicts=wanted))
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------------
# POST forms


SHORTLIST_NAME_TOO_LONG = _l("Shortlist name must be %(num)s characters or fewer", num=SHORTLIST_NAME_MAX)
NOTE_TOO_LONG = _l("Note must be %(num)s characters or fewer", num=format(NOTE_MAX, ","))


class ShortlistForm(FlaskForm):
    name = StringField(
        _l("Name of the shortlist"),
        validators=[
            DataRequired(_l("Enter a name for the shortlist")),
            Length(max=SHORTLIST_NAME_MAX, message=SHORTLIST_NAME_TOO_LONG),
        ],
        filters=[lambda value: " ".join(value.split()) if isinstance(value, str) else value],
    )


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=NOTE_MAX, message=NOTE_TOO_LONG)])


class AddToShortlistForm(FlaskForm):
    """Add a listing to one of your shortlists, or to a new one named here."""

    shortlist = SelectField(_l("Shortlist"), choices=[], validate_choice=False)
    new_name = StringField(
        _l("Or start a new shortlist called"),
        validators=[Length(max=SHORTLIST_NAME_MAX, message=SHORTLIST_NAME_TOO_LONG)],
        filters=[lambda value: " ".join(value.split()) if isinstance(value, str) else value],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=NOTE_MAX, message=NOTE_TOO_LONG)])
    next = HiddenField()


class GrantCommissionerForm(FlaskForm):
    email = email_field(_l("Email address of the account"), _l("Enter the email address of the account"))
