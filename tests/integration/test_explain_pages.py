"""The plain-English explanation pages: one for each word the registry uses, each saying where it comes from."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from registry.web.public.explain import EXPLANATIONS
from tests.support.pages import checked_page, text_of


def test_the_index_links_every_explanation(client: FlaskClient) -> None:
    page = checked_page(client.get("/explain"))
    links = {a["href"] for a in page.select("main a")}
    for explanation in EXPLANATIONS:
        assert f"/explain/{explanation.slug}" in links


@pytest.mark.parametrize("slug", [page.slug for page in EXPLANATIONS])
def test_each_explanation_says_where_it_comes_from(client: FlaskClient, slug: str) -> None:
    page = checked_page(client.get(f"/explain/{slug}"))
    assert "Where this comes from" in text_of(page)


def test_an_unknown_explanation_is_not_found(client: FlaskClient) -> None:
    checked_page(client.get("/explain/limited-companies"), status=404)
