"""Which facts a check read and found unknown: the facts that would decide a finding that needs information.

The check runs a second time on a stand-in for the facts that notes every fact it reads whose value is not
known, by its path in the facts shape (``profits.asset_lock``, ``member_classes[1].count``, the same paths
``facts_from_dict`` names in its errors). So the list comes from the check's own code: no list of the facts
each rule needs is kept by hand, and it cannot drift from what the rule does.

A group of facts left out entirely (``profits``, ``charity`` ...) stands in as an empty group for that second
run, so the paths name the facts inside it the check would read. Fields marked ``NOT_ASKED`` in
``registry.domain.structure`` (a member class's name, say) are never asked for, nor a fact read through
``untraced`` (where leaving it out already means something).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from typing import Any

from registry.domain.structure import StructureFacts
from registry.domain.validator.model import Parameters

CheckFunction = typing.Callable[[StructureFacts, Parameters], tuple[Any, str]]


_LABELS: dict[type[Any], frozenset[str]] = {}
_GROUPS: dict[type[Any], dict[str, type[Any]]] = {}


def _labels(cls: type[Any]) -> frozenset[str]:
    if cls not in _LABELS:
        _LABELS[cls] = frozenset(f.name for f in dataclasses.fields(cls) if f.metadata.get("asked") is False)
    return _LABELS[cls]


def _groups(cls: type[Any]) -> dict[str, type[Any]]:
    """The fields of ``cls`` that hold one group of facts (a dataclass), by name."""
    if cls not in _GROUPS:
        groups: dict[str, type[Any]] = {}
        for name, hint in typing.get_type_hints(cls).items():
            for option in typing.get_args(hint):
                if isinstance(option, type) and dataclasses.is_dataclass(option):
                    groups[name] = option
        _GROUPS[cls] = groups
    return _GROUPS[cls]


class _Traced:
    """Stands in for one dataclass of facts, noting each unknown fact read through it."""

    __slots__ = ("_path", "_target", "_unknown")

    def __init__(self, target: object, path: str, unknown: dict[str, None]) -> None:
        self._target = target
        self._path = path
        self._unknown = unknown

    def __getattr__(self, name: str) -> Any:
        target = self._target
        value = getattr(target, name)
        path = f"{self._path}.{name}" if self._path else name
        if value is None:
            group = _groups(type(target)).get(name)
            if group is not None:
                return _Traced(group(), path, self._unknown)
            if name not in _labels(type(target)):
                self._unknown[path] = None
            return None
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return _Traced(value, path, self._unknown)
        if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            return _Rows(value, path, self._unknown)
        return value


class _Rows:
    """Stands in for a list of facts (member classes, board seats ...), each item traced under its index."""

    __slots__ = ("_items", "_path", "_unknown")

    def __init__(self, items: tuple[Any, ...], path: str, unknown: dict[str, None]) -> None:
        self._items = items
        self._path = path
        self._unknown = unknown

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[_Traced]:
        for index, item in enumerate(self._items):
            yield _Traced(item, f"{self._path}[{index}]", self._unknown)

    def __getitem__(self, index: int) -> _Traced:
        position = index if index >= 0 else len(self._items) + index
        return _Traced(self._items[index], f"{self._path}[{position}]", self._unknown)


def untraced(facts: Any) -> Any:
    """The facts themselves, for a read that should never make a finding ask for what it reads: a member
    class whose voting rights are not restricted votes on everything, so counting votes never asks for them."""
    return facts._target if isinstance(facts, _Traced) else facts


def unknown_facts_read(check: CheckFunction, facts: StructureFacts, parameters: Parameters) -> tuple[str, ...]:
    """The paths of the facts ``check`` reads about ``facts`` and finds unknown, in the order it reads them."""
    unknown: dict[str, None] = {}
    check(typing.cast(StructureFacts, _Traced(facts, "", unknown)), parameters)
    return tuple(unknown)
