"""Students' work on notebook exercises: drafts, runs and graded submissions.

A student edits only the exercise's solution cells; their answers (source by grade_id) are
put into the student copy to make the notebook that runs. Runs and submissions execute in
the sandbox from a job; a graded submission publishes the exercise grade (best submission).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import nbformat
from nbformat import NotebookNode
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.config import Settings
from elearn.db.types import utcnow
from elearn.grades import ActivityRef, GradeEvent, publish_grade
from elearn.notebooks.errors import NotebookError, SandboxError
from elearn.notebooks.execute import execute_notebook
from elearn.notebooks.exercise import Exercise, is_solution_cell, nbgrader_meta, validate_exercise
from elearn.notebooks.feedback import render_feedback
from elearn.notebooks.grade import grade_notebook
from elearn.notebooks.models import (
    NotebookDraft,
    NotebookExercise,
    NotebookSubmission,
    SubmissionKind,
    SubmissionStatus,
)
from elearn.notebooks.pool import KernelPool
from elearn.notebooks.sandbox import SandboxLimits, sandbox_status

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 200_000


class SubmissionError(ValueError):
    """A draft or submission is refused; the message is for the student."""


def editable_cells(student: NotebookNode) -> list[str]:
    """grade_ids of the cells a student may edit: solution cells that are not locked."""
    return [
        nbgrader_meta(cell)["grade_id"]
        for cell in student.cells
        if is_solution_cell(cell) and not nbgrader_meta(cell).get("locked")
    ]


def student_notebook(exercise: NotebookExercise) -> NotebookNode:
    return nbformat.reads(exercise.student_notebook, as_version=4)


def teacher_exercise(exercise: NotebookExercise) -> Exercise:
    notebook = nbformat.reads(exercise.teacher_notebook, as_version=4)
    return validate_exercise(notebook, exercise.source_file)


def clean_answers(exercise: NotebookExercise, answers: dict[str, str]) -> dict[str, str]:
    """Keep answers for editable cells only; refuse oversized ones."""
    allowed = set(editable_cells(student_notebook(exercise)))
    cleaned = {key: value.replace("\r\n", "\n") for key, value in answers.items() if key in allowed}
    if sum(len(value.encode()) for value in cleaned.values()) > MAX_ANSWER_BYTES:
        raise SubmissionError("Your answers are larger than 200 kB; shorten them.")
    return cleaned


def notebook_with_answers(exercise: NotebookExercise, answers: dict[str, str]) -> NotebookNode:
    """The student copy with the student's answers in its solution cells."""
    notebook = student_notebook(exercise)
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers and is_solution_cell(cell):
            cell.source = answers[grade_id]
    return notebook


def latest_answers(session: Session, exercise: NotebookExercise, user_id: int) -> dict[str, str]:
    draft = session.scalar(
        select(NotebookDraft).where(
            NotebookDraft.exercise_id == exercise.id, NotebookDraft.user_id == user_id
        )
    )
    return dict(draft.answers) if draft else {}


def save_draft(
    session: Session, exercise: NotebookExercise, user_id: int, answers: dict[str, str]
) -> NotebookDraft:
    cleaned = clean_answers(exercise, answers)
    draft = session.scalar(
        select(NotebookDraft).where(
            NotebookDraft.exercise_id == exercise.id, NotebookDraft.user_id == user_id
        )
    )
    if draft is None:
        draft = NotebookDraft(exercise_id=exercise.id, user_id=user_id)
        session.add(draft)
    draft.answers, draft.saved_at = cleaned, utcnow()
    session.flush()
    return draft


def create_submission(
    session: Session, exercise: NotebookExercise, user_id: int, answers: dict[str, str], kind: SubmissionKind
) -> NotebookSubmission:
    """Save the answers as the draft too, and record a run or submission waiting for the job."""
    cleaned = save_draft(session, exercise, user_id, answers).answers
    waiting = session.scalar(
        select(func.count()).where(
            NotebookSubmission.user_id == user_id,
            NotebookSubmission.status.in_((SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)),
        )
    )
    if waiting and waiting >= 2:
        raise SubmissionError(
            "Two of your notebooks are already waiting or running; wait for them to finish."
        )
    submission = NotebookSubmission(exercise_id=exercise.id, user_id=user_id, kind=kind,
                                    status=SubmissionStatus.QUEUED, answers=cleaned,
                                    max_score=exercise.max_points)  # fmt: skip
    session.add(submission)
    session.flush()
    return submission


_pools: dict[SandboxLimits, KernelPool] = {}


def kernel_pool(settings: Settings) -> KernelPool | None:
    """This worker process's pool of pre-started sandboxed kernels (each used once), or None
    where tasks run inline (immediate mode): a warm kernel saves 1.5-2 s per submission."""
    if settings.queue == "immediate":
        return None
    limits = sandbox_limits(settings)
    if limits not in _pools:
        _pools[limits] = KernelPool(limits, size=2)
    return _pools[limits]


def sandbox_limits(settings: Settings) -> SandboxLimits:
    return replace(SandboxLimits(), wall_time=settings.notebook_wall_time_s,
                   allow_weak_isolation=settings.notebook_allow_weak_isolation)  # fmt: skip


def execute_submission(session: Session, settings: Settings, submission_id: int) -> None:
    """Execute (and for submissions grade) one waiting submission; called by the job."""
    submission = session.get(NotebookSubmission, submission_id)
    if submission is None or submission.status != SubmissionStatus.QUEUED:
        return
    exercise = submission.exercise
    notebook = notebook_with_answers(exercise, submission.answers)
    teacher = teacher_exercise(exercise) if submission.kind == SubmissionKind.SUBMIT else None
    submission.status = SubmissionStatus.RUNNING
    session.commit()  # nothing is held in the database while the sandbox runs
    limits, pool = sandbox_limits(settings), kernel_pool(settings)
    try:
        if submission.kind == SubmissionKind.SUBMIT:
            assert teacher is not None
            report = grade_notebook(teacher, notebook, limits, exercise.source_file, pool=pool)
            submission.score, submission.report = report.score, report.to_dict()
            submission.result_html, submission.message = render_feedback(report), report.message or ""
        else:
            result = execute_notebook(notebook, limits, pool=pool)
            submission.result_html = render_executed(result.notebook)
            submission.message = result.message or ""
        submission.status = SubmissionStatus.DONE
    except (NotebookError, SandboxError) as error:
        submission.status, submission.message = SubmissionStatus.FAILED, str(error)
    except Exception:
        log.exception("notebook submission %s failed", submission_id)
        submission.status = SubmissionStatus.FAILED
        submission.message = "The notebook could not be run; the administrators can see why in the log."
    submission.finished_at = utcnow()
    session.commit()
    if submission.kind == SubmissionKind.SUBMIT and submission.status == SubmissionStatus.DONE:
        publish_grade(exercise_grade(session, submission))


def exercise_grade(session: Session, submission: NotebookSubmission) -> GradeEvent:
    """The exercise grade after this submission: the best graded submission counts."""
    best = session.scalar(
        select(func.max(NotebookSubmission.score)).where(
            NotebookSubmission.exercise_id == submission.exercise_id,
            NotebookSubmission.user_id == submission.user_id,
            NotebookSubmission.kind == SubmissionKind.SUBMIT,
            NotebookSubmission.status == SubmissionStatus.DONE,
        )
    )
    exercise = submission.exercise
    return GradeEvent(
        user_id=submission.user_id,
        activity=ActivityRef("notebook", f"{exercise.course.slug}/{exercise.slug}"),
        score=float(best or 0.0),
        maximum=exercise.max_points,
        graded_at=submission.finished_at or utcnow(),
        attempt_id=f"notebook-submission-{submission.id}",
    )


def render_executed(notebook: NotebookNode) -> str:
    """An executed notebook as an HTML document (shown in a sandboxed frame)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    return body


def warm_up(settings: Settings) -> str:
    """At worker start: report the sandbox, and start the kernel pool when it works."""
    status = sandbox_status()
    if status.strong:
        kernel_pool(settings)
        return "notebook sandbox: bubblewrap works; kernel pool started"
    if settings.notebook_allow_weak_isolation:
        return f"notebook sandbox: WEAK isolation allowed by the admin ({status.detail})"
    return f"notebook sandbox: unavailable, student notebooks are refused ({status.detail})"
