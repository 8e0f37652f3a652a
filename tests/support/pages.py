"""A checked page: every HTML page a test renders parses, has one h1, a title that starts with it,
unique ids, forms with actions, and a lang (en or cy) that its Content-Language agrees with (after GOV.UK
Notify's test helper)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from werkzeug.test import TestResponse


class PageProblem(AssertionError):
    pass


# What the title starts with when a form came back with errors, by the page's language.
ERROR_PREFIX = {"en": "Error: ", "cy": "Gwall: "}


def checked_page(response: TestResponse, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.data[:300]!r}"
    assert response.mimetype == "text/html", response.mimetype
    page = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    headings = page.find_all("h1")
    if len(headings) != 1:
        raise PageProblem(f"expected one h1, found {len(headings)}: {[h.get_text(strip=True) for h in headings]}")
    h1 = " ".join(headings[0].get_text().split())
    title = " ".join(page.title.get_text().split()) if page.title else ""
    language = page.html.get("lang") if page.html else None
    error_prefix = ERROR_PREFIX.get(str(language), "Error: ") if page.select(".nhsuk-error-summary") else ""
    if not title.startswith(error_prefix + h1):
        raise PageProblem(f"title {title!r} does not start with {error_prefix + h1!r}")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PageProblem(f"duplicate ids: {duplicates}")
    for form in page.find_all("form"):
        if not form.get("action"):
            raise PageProblem(f"a form has no action: {str(form)[:120]}")
        if form.get("method", "get").lower() == "post" and not form.find("input", attrs={"name": "csrf_token"}):
            raise PageProblem(f"a POST form has no CSRF token: {str(form)[:120]}")
    if language not in ERROR_PREFIX:
        raise PageProblem(f"the page's lang attribute is {language!r}, not en or cy")
    if response.headers.get("Content-Language") != language:
        raise PageProblem(f"Content-Language {response.headers.get('Content-Language')!r} is not the page's {language}")
    return page


def text_of(page: BeautifulSoup) -> str:
    return " ".join(page.get_text(" ").split())
