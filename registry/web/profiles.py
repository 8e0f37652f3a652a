"""Reading a commissioner's profile choice from a request (``profile=ID``, ``profile_verdict=...``): shared by
``/commission``, the shortlists, ``/check`` and the API, so a profile is found, or refused, the same way
everywhere. A profile the signed-in person may not use is "not found", whoever asks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_login import current_user

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.vocabulary import Verdict
from registry.extensions import db
from registry.services.profiles import ChosenProfile, choose, get_profile

NOT_FOUND = _l("There is no profile of yours with that number")
PROFILE_VERDICTS = {
    "meets": (Verdict.MEETS,),
    "plausible": (Verdict.MEETS, Verdict.NEEDS_INFORMATION),
    "needs_information": (Verdict.NEEDS_INFORMATION,),
    "does_not_meet": (Verdict.DOES_NOT_MEET,),
    "not_applicable": (Verdict.NOT_APPLICABLE,),
    "any": tuple(Verdict),
}


def read_profile(args: Mapping[str, Any], getlist: Any = None) -> tuple[ChosenProfile | None, dict[str, str]]:
    """The profile ``args`` name and the verdicts wanted (default: meets), or the errors, keyed by field."""
    value = (args.get("profile") or "").strip()
    if not value:
        return None, {}
    if not value.isdecimal() or len(value) > 12:
        return None, {"profile": str(NOT_FOUND)}
    profile = get_profile(db.session(), current_user, int(value))
    if profile is None:
        return None, {"profile": str(NOT_FOUND)}
    chosen_verdicts: list[Verdict] = []
    for code in (getlist or (lambda _key: [args.get("profile_verdict")]))("profile_verdict"):
        if not code:
            continue
        if code not in PROFILE_VERDICTS:
            return None, {"profile_verdict": _("Choose which verdicts against the profile to show from the list")}
        chosen_verdicts += [v for v in PROFILE_VERDICTS[code] if v not in chosen_verdicts]
    return choose(profile, chosen_verdicts or (Verdict.MEETS,)), {}
