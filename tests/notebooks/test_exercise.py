"""Exercise format: validation errors, the student copy, restoring the teacher's cells."""

import copy

import pytest

from elearn.notebooks.errors import NotebookError
from elearn.notebooks.exercise import read_exercise
from elearn.notebooks.transform import CODE_STUB, make_student_copy, restore_teacher_cells


def test_reads_tests_and_points(data):
    exercise = read_exercise(data / "exercise.ipynb")
    assert [(t.grade_id, t.index, t.points) for t in exercise.tests] == [
        ("test_square", 3, 2.0), ("test_partial", 5, 3.0)]
    assert exercise.max_points == 5.0


@pytest.mark.parametrize(("name", "cell", "grade_id", "fragment"), [
    ("bad_kernel.ipynb", None, None, "kernel must be 'python3', found 'ir'"),
    ("duplicate_id.ipynb", 5, "test_square", "grade_id also used by cell 3"),
    ("negative_points.ipynb", 3, "test_square", "points must be a number >= 0, found -1"),
    ("unclosed_marker.ipynb", 2, "square", "'### BEGIN SOLUTION' is never closed"),
    ("marker_outside_solution.ipynb", 1, "setup", "line 1: '### BEGIN SOLUTION' outside"),
    ("old_schema.ipynb", 3, "test_square", "schema_version must be 3, found 1"),
    ("missing.ipynb", None, None, "cannot read"),
])
def test_validation_errors_name_file_and_cell(data, name, cell, grade_id, fragment):
    with pytest.raises(NotebookError) as caught:
        read_exercise(data / name)
    error = caught.value
    assert fragment in error.message
    assert (error.cell, error.grade_id) == (cell, grade_id)
    assert str(error).startswith(str(data / name))


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(NotebookError, match="broken.ipynb: not a Jupyter notebook"):
        read_exercise(path)


def test_student_copy_stubs_solutions_and_removes_hidden_tests(data):
    exercise = read_exercise(data / "exercise.ipynb")
    student = make_student_copy(exercise)
    sources = [c.source for c in student.cells]
    assert sources[2] == ('def square(x):\n    """x squared."""\n'
                          "    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert sources[3] == "assert square(2) == 4"
    assert sources[4] == "YOUR ANSWER HERE"
    assert all("HIDDEN" not in s and "return x * x" not in s for s in sources)
    assert exercise.notebook.cells[2].source.count("return x * x") == 1  # teacher's untouched


def test_solution_cell_without_markers_is_replaced_whole(data):
    exercise = read_exercise(data / "hostile_exercise.ipynb")
    assert make_student_copy(exercise).cells[0].source == CODE_STUB


def test_restore_brings_back_hidden_tests_and_teacher_sources(data):
    exercise = read_exercise(data / "exercise.ipynb")
    submission = make_student_copy(exercise)
    submission.cells[2].source = "def square(x):\n    return x ** 2"
    submission.cells[3].source = "pass  # the student emptied the test"
    submission.cells[3].metadata.nbgrader.points = 100
    graded = restore_teacher_cells(exercise, submission)
    assert graded.cells[2].source == "def square(x):\n    return x ** 2"
    assert graded.cells[3].source == exercise.notebook.cells[3].source
    assert "### BEGIN HIDDEN TESTS" in graded.cells[3].source
    assert graded.cells[3].metadata.nbgrader.points == 2


def test_restore_keeps_extra_cells_but_never_grades_them(data):
    exercise = read_exercise(data / "exercise.ipynb")
    submission = make_student_copy(exercise)
    extra = copy.deepcopy(submission.cells[3])
    extra.metadata.nbgrader.grade_id = "my_bonus"
    submission.cells.insert(4, extra)
    graded = restore_teacher_cells(exercise, submission)
    assert len(graded.cells) == len(exercise.notebook.cells) + 1
    assert "nbgrader" not in graded.cells[4].metadata


@pytest.mark.parametrize("change", ["delete", "rename"])
def test_restore_refuses_missing_test_cell(data, change):
    exercise = read_exercise(data / "exercise.ipynb")
    submission = make_student_copy(exercise)
    if change == "delete":
        del submission.cells[5]
    else:
        submission.cells[5].metadata.nbgrader.grade_id = "renamed"
    with pytest.raises(NotebookError, match="no cell with grade_id 'test_partial'") as caught:
        restore_teacher_cells(exercise, submission, "sub.ipynb")
    assert caught.value.path == "sub.ipynb"


def test_restore_refuses_duplicated_grade_id(data):
    exercise = read_exercise(data / "exercise.ipynb")
    submission = make_student_copy(exercise)
    submission.cells.append(copy.deepcopy(submission.cells[3]))
    with pytest.raises(NotebookError, match="grade_id also used by cell 3"):
        restore_teacher_cells(exercise, submission)
