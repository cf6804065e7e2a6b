"""Exam readiness: every simulation run a quiz's variants need, computed before the exam.

For each simulation question and each parameter set of its pool (pool.parameter_sets), two
runs can be known in advance: the reference run (10x the rays, the reference seed) and the
student's own run with the parameters they may choose left at their defaults (the question's
ncount and the shared student seed). Pre-computing both puts them in the simulation cache, so
at exam start neither a reference nor a default student run waits in the queue. They are
queued at normal priority (10, like a student with no run waiting): before an exam no student
competes for the worker. Parameters a student changes cannot be pre-computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.config import Settings
from elearn.jobs import enqueue_after_commit
from elearn.quiz.catalog import current_version, version_spec
from elearn.quiz.grading import REFERENCE_RAYS_FACTOR, REFERENCE_SEED
from elearn.quiz.models import Quiz
from elearn.quiz.pool import parameter_sets
from elearn.quiz.simulation import SimulationQuestion
from elearn.quiz.student_runs import STUDENT_SEED
from elearn.sim.engines import select_engine
from elearn.sim.models import SimulationRun
from elearn.sim.parameters import validate_parameters
from elearn.sim.runs import cache_key, load_instrument, submit_run

PRECOMPUTE_PRIORITY = 10
STATES = ("done", "running", "queued", "failed", "missing")


@dataclass
class PlannedRun:
    """One run a question needs: instrument, parameters (as the run form sends them), rays, seed."""

    instrument: str
    values: dict[str, str]
    ncount: int
    seed: int
    key: str
    status: str = "missing"  # a RunStatus value, or missing (never requested)
    message: str = ""


@dataclass
class ReadinessRow:
    question_id: str
    label: str  # "variant 3", or the drawn values
    parameters: dict[str, float]
    reference: PlannedRun
    student_run: PlannedRun


@dataclass
class Readiness:
    variants: int
    rows: list[ReadinessRow] = field(default_factory=list)
    student_choices: dict[str, list[str]] = field(default_factory=dict)  # question -> parameters
    opens: datetime | None = None  # the quiz's opening time (UTC), if it has one

    def runs(self) -> list[PlannedRun]:
        """Each distinct run once (rows of two questions may share one)."""
        unique = {run.key: run for row in self.rows for run in (row.reference, row.student_run)}
        return list(unique.values())

    def counts(self) -> dict[str, int]:
        runs = self.runs()
        return {state: sum(run.status == state for run in runs) for state in STATES}

    def before_opening(self, now: datetime) -> tuple[str, bool] | None:
        """Whether every run is done before the quiz opens: (sentence, is a warning), or None
        when the quiz has no opening time or nothing to pre-compute."""
        runs = self.runs()
        if self.opens is None or not runs:
            return None
        done = sum(run.status == "done" for run in runs)
        if now < self.opens:
            when = f"opens in {_duration(self.opens - now)}"
            if done == len(runs):
                return f"Ready: all {done} runs done, {when}.", False
            return f"Not ready: {done} of {len(runs)} runs done, {when}.", True
        if done == len(runs):
            return f"All {done} runs were done; the quiz is open.", False
        return (f"The quiz is already open and {len(runs) - done} of {len(runs)} runs are not done: "
                "those references run while students take it.", True)  # fmt: skip


def exam_readiness(session: Session, settings: Settings, quiz: Quiz) -> Readiness:
    """The quiz's simulation runs by question and parameter set, with their current status."""
    spec = version_spec(current_version(session, quiz))
    engine = select_engine(settings.sim_engine)
    engine_id = f"{engine.name} {engine.version}"
    readiness = Readiness(spec.settings.variants, opens=spec.settings.opens)
    for question in spec.questions:
        if not isinstance(question, SimulationQuestion):
            continue
        if question.student:
            readiness.student_choices[question.id] = list(question.student)
        instrument = load_instrument(settings, question.instrument)
        for found in parameter_sets(f"{quiz.course.slug}/{quiz.slug}", question, spec.shared,
                                    spec.settings.variants):  # fmt: skip
            values = {name: repr(float(value)) for name, value in found.parameters.items()}
            params = validate_parameters(instrument, values)
            runs = [
                PlannedRun(question.instrument, values, ncount, seed,
                           cache_key(instrument, params, ncount, seed, engine_id))
                for ncount, seed in ((question.ncount * REFERENCE_RAYS_FACTOR, REFERENCE_SEED),
                                     (question.ncount, STUDENT_SEED))
            ]  # fmt: skip
            readiness.rows.append(ReadinessRow(question.id, found.label, found.parameters, *runs))
    _add_status(session, readiness.runs())
    return readiness


def _duration(span: timedelta) -> str:
    """'3 d 4 h', '2 h 10 min' or '5 min' (rounded down to the minute)."""
    minutes = int(span.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _add_status(session: Session, runs: list[PlannedRun]) -> None:
    by_key: dict[str, list[PlannedRun]] = {}
    for run in runs:
        by_key.setdefault(run.key, []).append(run)
    rows = session.execute(
        select(SimulationRun.cache_key, SimulationRun.status, SimulationRun.message)
        .where(SimulationRun.cache_key.in_(list(by_key)))
        .order_by(SimulationRun.id)
    )
    for key, status, message in rows:  # the newest request of a key wins
        for run in by_key[key]:
            run.status, run.message = status.value, message or ""


def precompute(session: Session, settings: Settings, quiz: Quiz) -> int:
    """Request every run that is missing or was cancelled (failed ones stay failed: fix the quiz
    or instrument first); returns how many jobs were queued after the caller commits."""
    from elearn.sim.tasks import enqueue_run

    queued = 0
    for run in exam_readiness(session, settings, quiz).runs():
        if run.status not in ("missing", "cancelled"):
            continue
        row, needs_job = submit_run(session, settings, user_id=None, role=Role.ADMIN,
                                    instrument_file=run.instrument, values=run.values,
                                    ncount=run.ncount, seed=run.seed)  # fmt: skip
        if needs_job:
            key = row.cache_key
            enqueue_after_commit(session, lambda key=key: enqueue_run(key, PRECOMPUTE_PRIORITY))
            queued += 1
    return queued
