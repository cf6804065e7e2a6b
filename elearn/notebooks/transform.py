"""The notebook pipeline's rewriting steps: student copy out, graded notebook back in.

As nbgrader's ClearSolutions / ClearHiddenTests / OverwriteCells: the student never sees
solutions or hidden tests, and grading always runs the teacher's test cells, whatever the
submission's test cells say.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode

from elearn.notebooks.errors import NotebookError
from elearn.notebooks.exercise import (
    MARKERS,
    Exercise,
    is_solution_cell,
    is_test_cell,
    nbgrader_meta,
)

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
MARKDOWN_STUB = "YOUR ANSWER HERE"


def replace_regions(source: str, kind: str, stub: str | None) -> str:
    """Replace each BEGIN/END region of ``kind`` (markers included) by ``stub``, indented
    like the BEGIN line; ``stub=None`` removes the region."""
    begin, end = MARKERS[kind]
    kept: list[str] = []
    inside = False
    lines = source.splitlines()
    for line in lines:
        if line.strip() == begin:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if stub is not None:
                kept.extend(indent + part for part in stub.splitlines())
        elif line.strip() == end:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def make_student_copy(exercise: Exercise) -> NotebookNode:
    """The notebook students receive: solutions stubbed, hidden tests removed, no outputs."""
    nb = copy.deepcopy(exercise.notebook)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if is_solution_cell(cell):
            if cell.cell_type == "code":
                has_region = MARKERS["SOLUTION"][0] in cell.source
                cell.source = (replace_regions(cell.source, "SOLUTION", CODE_STUB)
                               if has_region else CODE_STUB)
            else:
                cell.source = MARKDOWN_STUB
        elif is_test_cell(cell):
            cell.source = replace_regions(cell.source, "HIDDEN TESTS", None).rstrip("\n")
    return nb


def restore_teacher_cells(exercise: Exercise, submission: NotebookNode,
                          path: str = "<submission>") -> NotebookNode:
    """The notebook to grade: the submission's order and answers, the teacher's test and
    locked cells (hidden tests included), nbgrader metadata only from the teacher.

    Raises NotebookError when a cell of the exercise is missing from the submission or a
    grade_id appears twice; cells with unknown ids lose their nbgrader metadata.
    """
    teacher = {nbgrader_meta(c).get("grade_id"): c for c in exercise.notebook.cells
               if nbgrader_meta(c).get("grade_id")}
    found: dict[str, int] = {}
    restored = copy.deepcopy(submission)
    restored.metadata = copy.deepcopy(exercise.notebook.metadata)
    cells = []
    for index, cell in enumerate(submission.cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not isinstance(grade_id, str) or grade_id not in teacher:
            cell = copy.deepcopy(cell)
            cell.get("metadata", {}).pop("nbgrader", None)
            cells.append(cell)
            continue
        if grade_id in found:
            raise NotebookError(f"grade_id also used by cell {found[grade_id]}", path, index,
                                grade_id)
        found[grade_id] = index
        original = copy.deepcopy(teacher[grade_id])
        if is_solution_cell(original) and not is_test_cell(original):
            original.source = cell.get("source", "")
        cells.append(original)
    missing = [grade_id for grade_id in teacher if grade_id not in found]
    if missing:
        index = next(i for i, c in enumerate(exercise.notebook.cells)
                     if nbgrader_meta(c).get("grade_id") == missing[0])
        raise NotebookError(f"the submission has no cell with grade_id {missing[0]!r} (cell "
                            f"{index} of the exercise): was it deleted or its metadata "
                            "changed? Start again from the exercise.", path, None, missing[0])
    restored.cells = cells
    return restored
