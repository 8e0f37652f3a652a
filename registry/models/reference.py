"""Reference vocabularies: legal forms, identifier schemes, member-class kinds, governance models,
service types and regions. Loaded from ``data/reference/`` by ``flask --app registry reference load``."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model


class _Term:
    """What every term in a vocabulary has: a label to show, what it means, and its place in a list."""

    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class LegalForm(_Term, Model):
    __tablename__ = "legal_form"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    registrar: Mapped[str | None] = mapped_column(String(100))
    has_share_capital: Mapped[bool | None] = mapped_column(Boolean)
    statutory_asset_lock: Mapped[bool | None] = mapped_column(Boolean)
    charitable: Mapped[bool | None] = mapped_column(Boolean)


class IdentifierScheme(Model):
    __tablename__ = "identifier_scheme"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    registrar: Mapped[str | None] = mapped_column(String(200))
    pattern: Mapped[str] = mapped_column(String(200))
    example: Mapped[str | None] = mapped_column(String(60))
    url_template: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class MemberClassKind(_Term, Model):
    __tablename__ = "member_class_kind"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    stakeholder: Mapped[bool] = mapped_column(Boolean, default=False)


class GovernanceModel(_Term, Model):
    __tablename__ = "governance_model"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    coops_uk_ownership: Mapped[str | None] = mapped_column(String(60))


class ServiceType(_Term, Model):
    __tablename__ = "service_type"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("service_type.code"))

    parent: Mapped[ServiceType | None] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list[ServiceType]] = relationship(back_populates="parent")


class Region(Model):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    nation: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
