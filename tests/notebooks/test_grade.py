"""Grading through the real sandbox: full marks, failures, partial credit, feedback HTML."""

import json
import re

import pytest

from elearn.notebooks.errors import NotebookError
from elearn.notebooks.feedback import render_feedback
from elearn.notebooks.grade import check_exercise, grade_notebook, grade_submission

from .conftest import write

WRONG = "def square(x):\n    return 2 * x"  # right for 2 only: visible test passes


def test_reference_solution_earns_full_marks(sandbox, data, limits):
    report = check_exercise(data / "exercise.ipynb", limits)
    assert (report.score, report.max_score) == (5.0, 5.0)
    assert [c.status for c in report.cells] == ["passed", "passed"]
    assert report.stopped is None and report.isolation == "bubblewrap"


def test_stub_scores_zero_with_the_students_traceback(sandbox, student_copy, limits):
    exercise, nb = student_copy("exercise.ipynb")
    report = grade_notebook(exercise, nb, limits)
    assert report.score == 0.0
    square = report.cells[0]
    assert (square.status, square.error_name) == ("failed", "NotImplementedError")
    assert "raise NotImplementedError()" in square.traceback
    assert "\x1b[" not in square.traceback


def test_hidden_test_fails_wrong_answer_and_partial_credit_counts(sandbox, student_copy,
                                                                  limits):
    exercise, nb = student_copy("exercise.ipynb", square=WRONG)
    report = grade_notebook(exercise, nb, limits)
    square, partial = report.cells
    assert (square.points, square.status, square.error_name) == (0.0, "failed",
                                                                 "AssertionError")
    assert "square(-3) == 9" in square.traceback  # the hidden test ran
    # 2*x == x*x holds for none of 1.0, 2.5, 3: zero; x ** 2 would give 3 of 3.
    assert (partial.points, partial.status) == (0.0, "failed")
    exercise, nb = student_copy("exercise.ipynb",
                                square="def square(x):\n    return x * x if x != 2.5 else 0")
    report = grade_notebook(exercise, nb, limits)
    assert [(c.points, c.status) for c in report.cells] == [(2.0, "passed"), (2.0, "partial")]
    assert report.score == 4.0


def test_grade_submission_from_files_is_json_serialisable(sandbox, data, student_copy,
                                                          limits, tmp_path):
    _, nb = student_copy("exercise.ipynb", square="def square(x):\n    return x ** 2")
    report = grade_submission(data / "exercise.ipynb", write(nb, tmp_path / "s.ipynb"), limits)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["score"] == 5.0 and data["cells"][0]["grade_id"] == "test_square"
    assert "notebook" not in data


def test_unreadable_submission_is_a_notebook_error(data, tmp_path):
    bad = tmp_path / "s.ipynb"
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(NotebookError, match="s.ipynb"):
        grade_submission(data / "exercise.ipynb", bad)


def test_check_exercise_refuses_a_failing_reference(sandbox, data, tmp_path, limits):
    exercise = check_exercise(data / "exercise.ipynb", limits).notebook
    exercise.cells[2].source = WRONG
    with pytest.raises(NotebookError, match="scores 0 of 5: test cells test_square, "
                                            "test_partial do not pass"):
        check_exercise(write(exercise, tmp_path / "broken.ipynb"), limits)


def test_feedback_html_has_scores_mathml_no_hidden_source_no_network(sandbox, student_copy,
                                                                     limits):
    exercise, nb = student_copy("exercise.ipynb", square=WRONG)
    html = render_feedback(grade_notebook(exercise, nb, limits))
    assert "Score: 0 / 5" in html
    assert "Test <code>test_square</code>: 0 / 2 points" in html
    assert "(hidden tests, not shown)" in html
    assert "assert square(-3) == 9\n" not in html.split("<body")[1].split("Traceback")[0]
    assert '<math display="inline"' in html and "<mi>ℏ</mi>" in html
    assert not re.search(r"<script[^>]+src=|import\(\"http", html)
