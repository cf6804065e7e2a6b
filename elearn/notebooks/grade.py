"""Grade a submission: restore the teacher's tests, execute sandboxed, score the test cells.

Score = sum over autograded test cells of: 0 if the cell raised (or did not run), the
cell's numeric result clipped to [0, points] if it ends with a number (nbgrader's partial
credit), else its full points.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from elearn.notebooks.errors import NotebookError
from elearn.notebooks.execute import ExecutionResult, execute_notebook
from elearn.notebooks.exercise import Exercise, nbgrader_meta, parse_notebook, read_exercise
from elearn.notebooks.pool import KernelPool
from elearn.notebooks.sandbox import SandboxLimits
from elearn.notebooks.transform import restore_teacher_cells

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class CellResult:
    """One test cell's outcome: status "passed", "partial" (0 < points < max), "failed" or
    "not_run"; points earned, max_points possible."""

    grade_id: str
    points: float
    max_points: float
    status: str
    error_name: str | None = None
    error_message: str | None = None
    traceback: str | None = None  # plain text, ANSI colours removed


@dataclass
class GradeReport:
    """A graded submission, JSON-serialisable with ``to_dict``; ``notebook`` is the executed
    notebook (not serialised) for the feedback page."""

    exercise: str
    score: float
    max_score: float
    cells: list[CellResult]
    stopped: str | None = None  # why execution stopped early (execute.STOP_MESSAGES key)
    message: str | None = None  # sentence for the student when stopped early
    wall_time: float = 0.0  # s spent executing
    isolation: str = "bubblewrap"
    notebook: NotebookNode | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(dataclasses.replace(self, notebook=None))
        data.pop("notebook")
        return data


def read_submission(path: str | Path) -> NotebookNode:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"cannot read: {exc}", str(path)) from None
    return parse_notebook(text, str(path))


def grade_submission(exercise_path: str | Path, submission_path: str | Path,
                     limits: SandboxLimits | None = None, on_event=None,
                     pool: KernelPool | None = None) -> GradeReport:
    """Grade the submission file against the exercise file (plain paths, for a job).

    ``on_event`` gets live progress events; ``pool`` lends a pre-started kernel."""
    exercise = read_exercise(exercise_path)
    submission = read_submission(submission_path)
    return grade_notebook(exercise, submission, limits, str(submission_path), on_event, pool)


def grade_notebook(exercise: Exercise, submission: NotebookNode,
                   limits: SandboxLimits | None = None, path: str = "<submission>",
                   on_event=None, pool: KernelPool | None = None) -> GradeReport:
    """Restore the teacher's cells into ``submission``, execute it and score it."""
    graded = restore_teacher_cells(exercise, submission, path)
    return score_execution(exercise, execute_notebook(graded, limits, on_event, pool))


def check_exercise(path: str | Path, limits: SandboxLimits | None = None) -> GradeReport:
    """Run the teacher's reference solution; raise NotebookError unless it earns full marks."""
    exercise = read_exercise(path)
    report = grade_notebook(exercise, exercise.notebook, limits, str(path))
    if report.score < report.max_score:
        failed = [c.grade_id for c in report.cells if c.points < c.max_points]
        detail = f" ({report.message})" if report.message else ""
        raise NotebookError(f"the reference solution scores {report.score:g} of "
                            f"{report.max_score:g}: test cells {', '.join(failed)} do not pass"
                            f"{detail}", str(path))
    return report


def score_execution(exercise: Exercise, run: ExecutionResult) -> GradeReport:
    by_id = {nbgrader_meta(c).get("grade_id"): (i, c) for i, c in enumerate(run.notebook.cells)}
    results = []
    for test in exercise.tests:
        index, cell = by_id[test.grade_id]
        status = run.cells[index].status if index in run.cells else "not_run"
        results.append(score_cell(test.grade_id, test.points, cell, status))
    return GradeReport(exercise.path, sum(r.points for r in results), exercise.max_points,
                       results, run.stopped, run.message, run.wall_time, run.isolation,
                       run.notebook)


def score_cell(grade_id: str, max_points: float, cell: NotebookNode, status: str) -> CellResult:
    if status == "not_run":
        return CellResult(grade_id, 0.0, max_points, "not_run", None,
                          "this test did not run because execution stopped earlier")
    error = next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)
    if status != "ok" or error is not None:
        name = error.get("ename") if error is not None else "Error"
        message = error.get("evalue") if error is not None else ""
        trace = "\n".join(error.get("traceback", [])) if error is not None else ""
        return CellResult(grade_id, 0.0, max_points, "failed", name, message,
                          ANSI.sub("", trace))
    partial = _partial_credit(cell, max_points)
    if partial == 0:
        return CellResult(grade_id, 0.0, max_points, "failed", None,
                          "the test cell's result (its partial credit) was 0")
    if partial is not None and partial < max_points:
        return CellResult(grade_id, partial, max_points, "partial")
    return CellResult(grade_id, max_points, max_points, "passed")


def _partial_credit(cell: NotebookNode, max_points: float) -> float | None:
    """nbgrader's rule: a test cell whose result is a number earns that many points."""
    for output in cell.get("outputs", []):
        if output.output_type == "execute_result":
            text = output.get("data", {}).get("text/plain", "")
            try:
                value = float(text)
            except (TypeError, ValueError):
                return None
            return min(max(value, 0.0), max_points)
    return None
