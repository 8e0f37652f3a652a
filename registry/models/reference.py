"""Reference vocabularies: legal forms, identifier schemes, member-class kinds, governance models,
service types and regions. Loaded from ``data/reference/`` by ``flask --app registry reference load``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.language import DEFAULT_LANGUAGE, current_language
from registry.domain.reference_data import reference_wording
from registry.extensions import Model


def _worded(field: str) -> hybrid_property[Any]:
    """A term's words (``label``, ``description``...) in the language being spoken: the table holds the English
    (column ``field``, attribute ``_field``), and in Welsh the words come from the vocabulary's YAML file by code
    (its ``cy`` mapping; the English when the file has no such code). In queries it is the English column."""
    column = f"_{field}"

    def words(self: Any) -> Any:
        english = getattr(self, column)
        if current_language() == DEFAULT_LANGUAGE:
            return english
        return reference_wording(self.__vocabulary__, self.code, field, english)

    def set_words(self: Any, value: Any) -> None:
        setattr(self, column, value)

    def expression(cls: Any) -> Any:
        return getattr(cls, column)

    return hybrid_property(words, set_words, expr=expression)


class _Term:
    """What every term in a vocabulary has: a label to show, what it means, and its place in a list."""

    __vocabulary__: str
    _label: Mapped[str] = mapped_column("label", String(200))
    _description: Mapped[str] = mapped_column("description", Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: hybrid_property[str] = _worded("label")
    description: hybrid_property[str] = _worded("description")


class LegalForm(_Term, Model):
    __tablename__ = "legal_form"
    __vocabulary__ = "legal_forms"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    _registrar: Mapped[str | None] = mapped_column("registrar", String(100))
    registrar: hybrid_property[str | None] = _worded("registrar")
    has_share_capital: Mapped[bool | None] = mapped_column(Boolean)
    statutory_asset_lock: Mapped[bool | None] = mapped_column(Boolean)
    charitable: Mapped[bool | None] = mapped_column(Boolean)


class IdentifierScheme(Model):
    __tablename__ = "identifier_scheme"
    __vocabulary__ = "identifier_schemes"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    _label: Mapped[str] = mapped_column("label", String(200))
    _registrar: Mapped[str | None] = mapped_column("registrar", String(200))
    label: hybrid_property[str] = _worded("label")
    registrar: hybrid_property[str | None] = _worded("registrar")
    pattern: Mapped[str] = mapped_column(String(200))
    example: Mapped[str | None] = mapped_column(String(60))
    url_template: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class MemberClassKind(_Term, Model):
    __tablename__ = "member_class_kind"
    __vocabulary__ = "member_class_kinds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    stakeholder: Mapped[bool] = mapped_column(Boolean, default=False)


class GovernanceModel(_Term, Model):
    __tablename__ = "governance_model"
    __vocabulary__ = "governance_models"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    coops_uk_ownership: Mapped[str | None] = mapped_column(String(60))


class ServiceType(_Term, Model):
    __tablename__ = "service_type"
    __vocabulary__ = "services"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("service_type.code"))

    parent: Mapped[ServiceType | None] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list[ServiceType]] = relationship(back_populates="parent")


class Region(Model):
    __tablename__ = "region"
    __vocabulary__ = "regions"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    _name: Mapped[str] = mapped_column("name", String(100))
    name: hybrid_property[str] = _worded("name")
    nation: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
