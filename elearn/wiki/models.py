"""Theory pages and their revisions; the rendered HTML is kept so that a view is one read."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.auth.models import User
from elearn.courses.models import Course, Module
from elearn.db import Base
from elearn.db.types import UTCDateTime, utcnow


class RevisionOrigin(enum.StrEnum):
    IMPORT = "import"
    WEB = "web"
    REVERT = "revert"


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        UniqueConstraint("course_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)  # order within the course
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str | None] = mapped_column(String(255))  # relative to the course folder
    imported_sha256: Mapped[str | None] = mapped_column(String(64))  # last imported file content
    html: Mapped[str] = mapped_column(Text, default="")
    outline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # toc, equation numbers
    search_text: Mapped[str] = mapped_column(Text, default="")  # plain text, for full-text search
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()
    revisions: Mapped[list[PageRevision]] = relationship(
        back_populates="page", order_by="PageRevision.number", cascade="all, delete-orphan"
    )


class PageRevision(Base):
    __tablename__ = "page_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    origin: Mapped[RevisionOrigin] = mapped_column(
        Enum(RevisionOrigin, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    message: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page: Mapped[Page] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()
