"""The store's tables (SQLAlchemy): stories, their places, the history of changes, uploaded media.

Alembic's migrations (``storymap/migrations``) create and change them; ``Storage`` reads and
writes them, and hands the rest of the program records (``storymap.records``), never rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storymap.schema import FOUND


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10))
    dateline: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    basemap: Mapped[str] = mapped_column(String(100), default="")
    tour_line: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class PlaceRow(Base):
    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("story_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    gazetteer_id: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    country: Mapped[str] = mapped_column(String(8), default="")
    precision_km: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default=FOUND)
    mentions: Mapped[list] = mapped_column(default=list)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    runners_up: Mapped[list] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    geocoder: Mapped[str] = mapped_column(String(100), default="")
    located_at: Mapped[str] = mapped_column(String(40), default="")
    media: Mapped[list] = mapped_column(default=list)  # media.Media as dicts, in order
    tour_order: Mapped[int | None] = mapped_column(Integer)
    tour_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    tour_zoom: Mapped[int | None] = mapped_column(Integer)
    shape: Mapped[dict | None] = mapped_column(JSON, default=None)  # GeoJSON (storymap.shapes)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class ChangeRow(Base):
    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int | None] = mapped_column(Integer)
    editor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column()
    after: Mapped[dict | None] = mapped_column()
    undoes: Mapped[int | None] = mapped_column(Integer)


class MediaRow(Base):
    __tablename__ = "media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
