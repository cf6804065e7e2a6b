"""Notebook exercises imported from course folders, students' drafts and their submissions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.courses.models import Course, Module
from elearn.db import Base
from elearn.db.types import UTCDateTime, utcnow


class NotebookExercise(Base):
    __tablename__ = "notebook_exercises"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    teacher_notebook: Mapped[str] = mapped_column(Text)  # nbformat JSON, with solutions and hidden tests
    student_notebook: Mapped[str] = mapped_column(Text)  # what students start from
    max_points: Mapped[float] = mapped_column(Float)

    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()


class NotebookDraft(Base):
    """A student's saved answers: solution cell source by nbgrader grade_id."""

    __tablename__ = "notebook_drafts"
    __table_args__ = (UniqueConstraint("exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("notebook_exercises.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubmissionKind(enum.StrEnum):
    RUN = "run"  # execute and show the output
    SUBMIT = "submit"  # execute, grade and record the score


class SubmissionStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (SubmissionStatus.DONE, SubmissionStatus.FAILED)


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class NotebookSubmission(Base):
    __tablename__ = "notebook_submissions"
    __table_args__ = (Index("ix_notebook_submissions_exercise_id_user_id", "exercise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("notebook_exercises.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[SubmissionKind] = mapped_column(_enum(SubmissionKind))
    status: Mapped[SubmissionStatus] = mapped_column(_enum(SubmissionStatus))
    answers: Mapped[dict[str, str]] = mapped_column(JSON)  # as submitted
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # GradeReport.to_dict()
    result_html: Mapped[str] = mapped_column(Text, default="")  # executed notebook / feedback page
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exercise: Mapped[NotebookExercise] = relationship()
