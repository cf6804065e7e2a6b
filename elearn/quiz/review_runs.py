"""A simulation question's review: the student's run overlaid on the reference run.

Access rule: reference runs belong to nobody (user_id None) and their own pages are 404 for
students; a student sees a reference's data only here, for a question of their own finished
attempt whose quiz shows correct answers, and only the question's monitor. Nothing is run or
recorded: a reference that is not finished (or was removed) gives None.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from elearn.config import Settings
from elearn.quiz.catalog import version_spec
from elearn.quiz.grading import REFERENCE_RAYS_FACTOR, REFERENCE_SEED
from elearn.quiz.models import Attempt, AttemptState
from elearn.quiz.simulation import SimulationQuestion
from elearn.sim.mccode_output import MonitorData
from elearn.sim.mccode_reader import read_output
from elearn.sim.models import RunStatus, SimulationRun
from elearn.sim.runs import finished_reference, result_dir


def review_overlay(
    session: Session, settings: Settings, attempt: Attempt, question_id: str
) -> list[tuple[str, MonitorData]] | None:
    """[("your run #N", monitor), ("reference", monitor)] for the question's monitor, or None."""
    spec = version_spec(attempt.graded_version or attempt.version)
    question = spec.question(question_id)
    response = next((r for r in attempt.responses if r.question_id == question_id), None)
    if attempt.state != AttemptState.FINISHED or not spec.settings.show_correct_answers:
        return None
    if not isinstance(question, SimulationQuestion) or response is None:
        return None
    run = session.get(SimulationRun, response.extra.get("student_run_id") or 0)
    parameters = response.extra.get("reference_parameters")
    if run is None or run.user_id != attempt.user_id or run.status != RunStatus.DONE or not parameters:
        return None
    values = {name: repr(float(value)) for name, value in parameters.items()}
    reference = finished_reference(session, settings, question.instrument, values,
                                   question.ncount * REFERENCE_RAYS_FACTOR, REFERENCE_SEED)  # fmt: skip
    folder = result_dir(settings, run.cache_key)
    if reference is None or question.monitor not in reference or not (folder / "mccode.sim").exists():
        return None
    mine = next((m for m in read_output(folder) if m.component == question.monitor), None)
    if mine is None:
        return None
    return [(f"your run #{run.id}", mine), ("reference", reference[question.monitor])]
