"""Quizzes, their imported versions, attempts and the saved response to each question."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.auth.models import User
from elearn.courses.models import Course
from elearn.db import Base
from elearn.db.types import UTCDateTime, utcnow
from elearn.wiki.models import RevisionOrigin


class Quiz(Base):
    """A quiz of a course, addressed as <course slug>/<quiz slug>."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    module: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    max_score: Mapped[float] = mapped_column(Float)
    listed: Mapped[bool] = mapped_column(default=True)  # False once its file is gone

    course: Mapped[Course] = relationship()
    versions: Mapped[list[QuizVersion]] = relationship(
        back_populates="quiz", order_by="QuizVersion.number", cascade="all, delete-orphan"
    )


class QuizVersion(Base):
    """The quiz file's text as imported or saved in the browser editor; attempts keep the version
    they started on."""

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    source: Mapped[str] = mapped_column(Text)  # the YAML file's text
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # made: imported or saved
    origin: Mapped[RevisionOrigin] = mapped_column(
        Enum(RevisionOrigin, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=RevisionOrigin.IMPORT,
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")  # the editor's "what did you change"

    quiz: Mapped[Quiz] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class Attempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_versions.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, ... per student and quiz
    seed: Mapped[int] = mapped_column(BigInteger)  # draws this attempt's parameter values
    state: Mapped[AttemptState] = mapped_column(
        Enum(
            AttemptState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=AttemptState.IN_PROGRESS,
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: no time limit
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)  # None until finished (or pending)
    max_score: Mapped[float] = mapped_column(Float)
    # set by a regrade: the (newer) version whose grading rules apply; None: its own version's
    graded_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_versions.id", ondelete="RESTRICT")
    )

    quiz: Mapped[Quiz] = relationship()
    version: Mapped[QuizVersion] = relationship(foreign_keys=[version_id])
    graded_version: Mapped[QuizVersion | None] = relationship(foreign_keys=[graded_version_id])
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.position", cascade="all, delete-orphan"
    )

    @property
    def public_id(self) -> str:
        return f"quiz-attempt-{self.id}"


class Response(Base):
    """One question of an attempt: drawn values, the saved answer and, once graded, its score."""

    __tablename__ = "quiz_responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    values: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # reference run, student run
    answer: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fraction: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    feedback: Mapped[list[str]] = mapped_column(JSON, default=list)
    # a teacher's score for this question (0..max_score), replacing the automatic one
    override_score: Mapped[float | None] = mapped_column(Float)
    override_comment: Mapped[str | None] = mapped_column(Text)

    attempt: Mapped[Attempt] = relationship(back_populates="responses")


class ScoreChange(Base):
    """History of a changed score, never deleted: a regrade (per question and the attempt's
    total, ``question_id`` None), a teacher's override or its removal."""

    __tablename__ = "quiz_score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # regrade | override | clear-override
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id", ondelete="RESTRICT"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_score: Mapped[float | None] = mapped_column(Float)
    new_score: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[QuizVersion] = relationship()
