"""Pages of results: one shape for the HTML lists, the JSON API and the feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE = 10_000


class PagingError(ValueError):
    """A page number or page size that cannot be served."""


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_request(page: object, per_page: object, default_per_page: int, max_per_page: int) -> PageRequest:
    """Read page and page size from user input, or raise ``PagingError`` saying what to enter."""
    number = _whole_number(page, 1, "page")
    size = _whole_number(per_page, default_per_page, "per_page")
    if number < 1 or number > MAX_PAGE:
        raise PagingError(f"Enter a page number between 1 and {MAX_PAGE:,}.")
    if size < 1 or size > max_per_page:
        raise PagingError(f"Enter a page size (per_page) between 1 and {max_per_page}.")
    return PageRequest(number, size)


def _whole_number(value: object, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 9:
        raise PagingError(f"Enter {name} as a whole number, like 2.")
    return int(text)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_item(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.page * self.per_page)
