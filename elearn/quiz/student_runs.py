"""A student runs a simulation question's instrument inside the question.

The run goes through the simulation cache and queue like any other; when it is done its
measured value is kept with the answer (shown beside it, and its statistical error widens
the tolerance). The run's own page shows the plots and data.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.config import Settings
from elearn.jobs import enqueue_after_commit
from elearn.quiz.attempts import spec_of
from elearn.quiz.grading import record_student_run
from elearn.quiz.models import Attempt, AttemptState, Response
from elearn.quiz.simulation import SimulationQuestion
from elearn.sim.mccode_reader import read_output
from elearn.sim.models import RunStatus, SimulationRun
from elearn.sim.runs import SimulationError, queue_priority, result_dir, submit_run

STUDENT_SEED = 1  # students asking the same question with the same parameters share one run


def start_student_run(
    session: Session, settings: Settings, attempt: Attempt, question_id: str, user_id: int, role: Role
) -> SimulationRun:
    """Run the question's instrument with the student's parameters; the answer remembers it."""
    if attempt.state != AttemptState.IN_PROGRESS:
        raise SimulationError("This attempt is finished.")
    question = spec_of(attempt).question(question_id)
    response = next((r for r in attempt.responses if r.question_id == question_id), None)
    if not isinstance(question, SimulationQuestion) or response is None:
        raise SimulationError("That question has no simulation.")
    parameters = question.instrument_parameters(response.values, (response.answer or {}).get("params", {}))
    run, needs_job = submit_run(
        session, settings, user_id=user_id, role=role, instrument_file=question.instrument,
        values={name: repr(float(value)) for name, value in parameters.items()},
        ncount=question.ncount, seed=STUDENT_SEED,
    )  # fmt: skip
    response.extra = {**response.extra, "student_run_id": run.id, "student_run_parameters": parameters}
    response.extra.pop("student_run", None)
    if run.status == RunStatus.DONE:
        _record(settings, question, response, run)
    elif needs_job:
        from elearn.sim.tasks import enqueue_run

        priority = queue_priority(session, run)
        enqueue_after_commit(session, lambda: enqueue_run(run.cache_key, priority))
    return run


def record_finished_student_runs(session: Session, settings: Settings, key: str) -> int:
    """Keep the measured value of every student run with cache ``key`` that is now done."""
    done = {
        run.id: run for run in session.scalars(select(SimulationRun).where(SimulationRun.cache_key == key))
    }
    recorded = 0
    for response in session.scalars(
        select(Response).join(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS)
    ):
        run = done.get(response.extra.get("student_run_id"))
        if run is None or "student_run" in response.extra or run.status != RunStatus.DONE:
            continue
        question = spec_of(response.attempt).question(response.question_id)
        if isinstance(question, SimulationQuestion):
            _record(settings, question, response, run)
            recorded += 1
    return recorded


def _record(settings: Settings, question: SimulationQuestion, response: Response, run: SimulationRun) -> None:
    monitors = {m.component: m for m in read_output(result_dir(settings, run.cache_key))}
    parameters = response.extra.get("student_run_parameters", {})
    record_student_run(question, response, parameters, monitors, str(run.id))
