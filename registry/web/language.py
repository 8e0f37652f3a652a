"""Choosing the language of each request, English or Welsh, and the switch between them.

The choice, strongest first: ``?lang=cy`` or ``?lang=en`` on the address (the switch's links, and the
``hreflang`` alternates, so each version of a page has an address of its own); the language cookie (the last
choice on this browser, no account needed); the signed-in person's profile (their choice on another browser);
the browser's ``Accept-Language`` (a first visit); English. Following ``?lang=`` remembers it in the cookie and,
for a signed-in person, in their profile.

Flask-Babel knows the chosen language (``get_locale``, its date and number formats); the words themselves come
from ``registry.domain.language``, which reads the same catalogue for pages, forms, emails and the validator.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_babel import Babel
from flask_login import current_user
from markupsafe import Markup, escape

from registry.domain.areas import place_name
from registry.domain.language import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    current_language,
    start_speaking,
    stop_speaking,
    supported,
    translations,
)
from registry.extensions import db
from registry.services.accounts import choose_language
from registry.web.template_helpers import url_with

COOKIE = "registry_language"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
babel = Babel(configure_jinja=True)


def chosen_language() -> str:
    """The language this request asks for (see the module's docstring for the order)."""
    asked = supported(request.args.get("lang"))
    if asked:
        return asked
    remembered = supported(request.cookies.get(COOKIE))
    if remembered:
        return remembered
    if current_user and current_user.is_authenticated and supported(current_user.language):
        return str(current_user.language)
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def _speak_chosen_language() -> None:
    chosen = chosen_language()
    g.language_token = start_speaking(chosen)
    asked = supported(request.args.get("lang"))
    if asked and current_user.is_authenticated and current_user.language != asked:
        # Following the switch is the person's choice, so it is kept for their other browsers and their emails.
        choose_language(db.session(), current_user, asked)
        db.session.commit()


def _remember_choice(response: Response) -> Response:
    asked = supported(request.args.get("lang"))
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            secure=request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    # The same address answers in either language, by cookie or by Accept-Language.
    response.vary.update(("Accept-Language", "Cookie"))
    response.headers["Content-Language"] = current_language()
    return response


def _stop_speaking(error: BaseException | None = None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        stop_speaking(token)


def language_url(code: str, external: bool = False) -> str:
    """This page, with this query, in the language ``code``: the switch's link and the ``hreflang`` alternates."""
    path = url_with(lang=code)
    return request.host_url.rstrip("/") + path if external else path


def default_language_url() -> str:
    """This page with no language asked for: it follows the browser (the ``x-default`` alternate)."""
    return request.host_url.rstrip("/") + url_with(lang=None)


QUOTATION = re.compile("“[^”]*”")


def english_quotations(text: object) -> Markup:
    """``text`` escaped, with each quotation of an English source (in “…”) marked ``lang="en"`` on a Welsh page, so
    a screen reader reads it in English (WCAG 3.1.2): the rule sets' Welsh quotes their English sources exactly."""
    raw = str(text)
    if current_language() == DEFAULT_LANGUAGE:
        return escape(raw)
    pieces: list[Markup] = []
    end = 0
    for quoted in QUOTATION.finditer(raw):
        pieces += [escape(raw[end : quoted.start()]), Markup('<span lang="en">{}</span>').format(quoted.group(0))]
        end = quoted.end()
    return Markup("").join([*pieces, escape(raw[end:])])


def _jinja_gettext(message: str) -> str:
    # Jinja's "newstyle" gettext fills the %(name)s placeholders itself (and escapes the values).
    return str(translations(current_language()).gettext(message))


def _jinja_ngettext(singular: str, plural: str, num: int) -> str:
    return str(translations(current_language()).ngettext(singular, plural, num))


def _jinja_pgettext(context: str, message: str) -> str:
    return str(translations(current_language()).pgettext(context, message))


def _jinja_npgettext(context: str, singular: str, plural: str, num: int) -> str:
    return str(translations(current_language()).npgettext(context, singular, plural, num))


def site_name() -> str:
    """The registry's name in the current language (SITE_NAME, SITE_NAME_CY): for pages and emails."""
    if current_language() == "cy" and current_app.config.get("SITE_NAME_CY"):
        return str(current_app.config["SITE_NAME_CY"])
    return str(current_app.config["SITE_NAME"])


def _template_globals() -> dict[str, Any]:
    current = current_language()
    other = next(code for code in LANGUAGES if code != current)
    return {
        "current_language": current,
        "other_language": other,
        "language_names": LANGUAGE_NAMES,
        "site_name": site_name(),
    }


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language)
    # The one catalogue reader for templates too (Flask-Babel would read compiled .mo files of its own).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _jinja_gettext, _jinja_ngettext, newstyle=True, pgettext=_jinja_pgettext, npgettext=_jinja_npgettext
    )
    # {% trans %} blocks are written across lines; their message is the words with the line breaks folded.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # First of all, so that a page refused by an earlier check (CSRF, a rate limit) is in the person's language.
    app.before_request_funcs.setdefault(None, []).insert(0, _speak_chosen_language)
    app.after_request(_remember_choice)
    app.teardown_request(_stop_speaking)
    app.context_processor(_template_globals)
    app.add_template_global(language_url)
    app.add_template_global(default_language_url)
    # Welsh districts and the regions by their Welsh names on Welsh pages: {{ place_name(code) }}.
    app.add_template_global(place_name)
    app.add_template_filter(english_quotations)
