"""Read and validate nbgrader-format exercise notebooks (nbformat 4, nbgrader schema 3).

A cell's ``metadata.nbgrader`` says what it is: ``solution`` (the student edits it),
``grade`` + ``points`` on a non-solution code cell (an autograded test), ``locked`` (read-only).
Markers inside sources: ``### BEGIN SOLUTION`` / ``### END SOLUTION`` in solution cells and
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in test cells, as nbgrader writes them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from elearn.notebooks.errors import NotebookError

KERNEL_NAME = "python3"
SCHEMA_VERSION = 3
GRADE_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
MARKERS = {"SOLUTION": ("### BEGIN SOLUTION", "### END SOLUTION"),
           "HIDDEN TESTS": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")}


@dataclass(frozen=True)
class GradedTest:
    """An autograded test cell: its nbgrader id, position and points."""

    grade_id: str
    index: int
    points: float


@dataclass
class Exercise:
    """A validated exercise notebook (the teacher's copy, with solutions and hidden tests)."""

    path: str
    notebook: NotebookNode
    tests: list[GradedTest]

    @property
    def max_points(self) -> float:
        return sum(test.points for test in self.tests)


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell: NotebookNode) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def is_solution_cell(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def parse_notebook(text: str, path: str) -> NotebookNode:
    """nbformat 4 notebook from JSON text, or NotebookError naming the file."""
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises JSON, Value and its own reader errors
        raise NotebookError(f"not a Jupyter notebook: {exc}", path) from None
    if nb.get("nbformat") != 4:
        raise NotebookError(f"nbformat {nb.get('nbformat')} is not supported; save it "
                            "as nbformat 4", path)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise NotebookError(f"invalid notebook: {exc.message}", path) from None
    return nb


def read_exercise(path: str | Path) -> Exercise:
    """Load and validate an exercise notebook; raise NotebookError on the first problem."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"cannot read: {exc}", path) from None
    return validate_exercise(parse_notebook(text, path), path)


def validate_exercise(nb: NotebookNode, path: str) -> Exercise:
    """Check kernel, nbgrader metadata, unique ids, points and markers; list the tests."""
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        raise NotebookError(f"kernel must be {KERNEL_NAME!r}, found {kernel!r}", path)
    seen: dict[str, int] = {}
    tests = []
    for index, cell in enumerate(nb.cells):
        meta = validate_cell_metadata(cell, index, path)
        grade_id = meta.get("grade_id")
        if grade_id is not None:
            if grade_id in seen:
                raise NotebookError(f"grade_id also used by cell {seen[grade_id]}", path,
                                    index, grade_id)
            seen[grade_id] = index
        check_markers(cell, index, path)
        if is_test_cell(cell):
            tests.append(GradedTest(meta["grade_id"], index, float(meta["points"])))
    return Exercise(path, nb, tests)


def validate_cell_metadata(cell: NotebookNode, index: int, path: str) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    if meta is None:
        return {}
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None

    def fail(message: str) -> NotebookError:
        return NotebookError(message, path, index, grade_id if isinstance(grade_id, str) else None)

    if not isinstance(meta, dict):
        raise fail("metadata 'nbgrader' must be an object")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise fail(f"nbgrader schema_version must be {SCHEMA_VERSION}, found "
                   f"{meta.get('schema_version')!r} (run 'nbgrader update' on the notebook)")
    for key in ("grade", "solution", "locked", "task"):
        if not isinstance(meta.get(key, False), bool):
            raise fail(f"nbgrader {key!r} must be true or false")
    if not any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
        return meta
    if not isinstance(grade_id, str) or not GRADE_ID.match(grade_id):
        raise fail("nbgrader grade_id must be letters, digits, '_' or '-'")
    if meta.get("task") or (meta.get("grade") and (meta.get("solution")
                                                   or cell.cell_type != "code")):
        raise fail("manually graded cells (tasks, graded answers) are not supported: use a "
                   "solution cell and an autograded test cell")
    if meta.get("grade"):
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) \
                or not math.isfinite(points) or points < 0:
            raise fail(f"nbgrader points must be a number >= 0, found {points!r}")
    return meta


def check_markers(cell: NotebookNode, index: int, path: str) -> None:
    """Markers balanced, not nested, and only where nbgrader allows them."""
    grade_id = nbgrader_meta(cell).get("grade_id")
    open_region = None
    for number, line in enumerate(cell.source.splitlines(), start=1):
        for kind, (begin, end) in MARKERS.items():
            stripped = line.strip()
            if stripped not in (begin, end):
                continue
            allowed = is_solution_cell(cell) if kind == "SOLUTION" else is_test_cell(cell)
            if not allowed:
                where = "solution" if kind == "SOLUTION" else "autograded test"
                raise NotebookError(f"line {number}: {stripped!r} outside a {where} cell",
                                    path, index, grade_id)
            if stripped == begin and open_region is not None:
                raise NotebookError(f"line {number}: {stripped!r} inside an open "
                                    f"{open_region} region", path, index, grade_id)
            if stripped == end and open_region != kind:
                raise NotebookError(f"line {number}: {stripped!r} without {begin!r}",
                                    path, index, grade_id)
            open_region = kind if stripped == begin else None
    if open_region is not None:
        raise NotebookError(f"{MARKERS[open_region][0]!r} is never closed", path, index,
                            grade_id)
