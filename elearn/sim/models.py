"""Simulation runs: one row per request, rows with the same cache key share one result."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.auth.models import User
from elearn.courses.models import Course
from elearn.db import Base
from elearn.db.types import UTCDateTime, utcnow


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)


class SimulationRun(Base):
    __tablename__ = "simulation_runs"
    __table_args__ = (
        Index("ix_simulation_runs_cache_key_status", "cache_key", "status"),
        Index("ix_simulation_runs_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL")
    )  # run from a course
    instrument: Mapped[str] = mapped_column(String(200))  # file name in the simulations folder
    instrument_hash: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)  # validated, typed, defaults filled in
    ncount: Mapped[int] = mapped_column(BigInteger)
    seed: Mapped[int] = mapped_column(BigInteger)
    engine: Mapped[str] = mapped_column(String(40))  # engine name + version that ran or will run
    cache_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    cached: Mapped[bool] = mapped_column(default=False)  # served from an earlier identical run
    scan_id: Mapped[int | None] = mapped_column(
        ForeignKey("simulation_scans.id", ondelete="CASCADE"), index=True
    )  # a point of a parameter scan
    scan_point: Mapped[int | None] = mapped_column()  # 0-based index of the point in its scan
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")  # error or notice for the user
    summary: Mapped[list[Any]] = mapped_column(JSON, default=list)  # per monitor: name, I, E, N, ...
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()
    course: Mapped[Course | None] = relationship()


class CourseSimulation(Base):
    """An instrument a course uses, where it sits, and the parameter ranges allowed there."""

    __tablename__ = "course_simulations"
    __table_args__ = (UniqueConstraint("course_id", "instrument"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    instrument: Mapped[str] = mapped_column(String(200))
    ranges: Mapped[dict[str, list[float]]] = mapped_column(JSON, default=dict)  # name -> [min, max]
    # course.yaml ``cache: never``: every run gets a fresh random seed (the randomness is the lesson)
    cache_never: Mapped[bool] = mapped_column(default=False, server_default=false())


class SimulationScan(Base):
    """A parameter scan (mcrun ``name=low,high -N points``): one run per point, linked by scan_id."""

    __tablename__ = "simulation_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    instrument: Mapped[str] = mapped_column(String(200))
    parameter: Mapped[str] = mapped_column(String(100))  # the scanned parameter
    start: Mapped[float] = mapped_column(Float)  # first and last value, in the parameter's unit
    stop: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column()
    ncount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    course: Mapped[Course | None] = relationship()
    runs: Mapped[list[SimulationRun]] = relationship(order_by="SimulationRun.scan_point", viewonly=True)
