"""Simulation questions on the platform's job queue: references are cached runs, and attempts
waiting for one are graded when it finishes (the request never runs a simulation)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.config import Settings
from elearn.db import db
from elearn.db.types import utcnow
from elearn.quiz.attempts import regrade_pending
from elearn.quiz.models import Attempt, AttemptState, Response
from elearn.quiz.regrade import publish_changed
from elearn.quiz.sim_runner import set_simulation_runner
from elearn.quiz.student_runs import record_finished_student_runs
from elearn.sim.mccode_output import MonitorData
from elearn.sim.runs import reference_monitors, simulation_finished


class QueuedSimulationRunner:
    """The quiz area's SimulationRunner: the current session, the simulation cache and queue."""

    def run(
        self, instrument: str, parameters: Mapping[str, float], ncount: int, seed: int
    ) -> Mapping[str, MonitorData] | None:
        values = {name: repr(float(value)) for name, value in parameters.items()}
        return reference_monitors(
            db(), current_app.config["ELEARN_SETTINGS"], instrument, values, ncount, seed
        )


def on_simulation_finished(sender: object, session: Session, settings: Settings, key: str) -> None:
    """A simulation finished: keep students' own runs, then grade attempts waiting for it."""
    if record_finished_student_runs(session, settings, key):
        session.commit()
    grade_waiting_attempts(session)


def grade_waiting_attempts(session: Session) -> None:
    """Grade the finished attempts that still wait for a reference run."""
    waiting = session.scalars(
        select(Attempt)
        .where(Attempt.state == AttemptState.FINISHED)
        .where(Attempt.id.in_(select(Response.attempt_id).where(Response.fraction.is_(None))))
    ).all()
    changed = [attempt for attempt in waiting if regrade_pending(session, attempt)]
    session.commit()
    # later than the pending grade announced at submission, so it supersedes it
    publish_changed(session, changed, utcnow())


set_simulation_runner(QueuedSimulationRunner())
simulation_finished.connect(on_simulation_finished)
