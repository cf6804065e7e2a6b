"""``elearn notebooks`` commands, through click's test runner and the real sandbox."""

import json

import nbformat
from click.testing import CliRunner

from elearn.notebooks.cli import notebooks

from .conftest import write


def test_grade_prints_per_cell_scores_and_total(sandbox, data, student_copy, tmp_path):
    _, nb = student_copy("exercise.ipynb", square="def square(x):\n    return 2 * x")
    submission = write(nb, tmp_path / "s.ipynb")
    result = CliRunner().invoke(notebooks, ["grade", str(data / "exercise.ipynb"),
                                            str(submission)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["test_square", "0", "/", "2", "failed:"]
    assert "AssertionError" in lines[0]
    assert lines[-1].split() == ["total", "0", "/", "5"]
    result = CliRunner().invoke(notebooks, ["grade", "--json", str(data / "exercise.ipynb"),
                                            str(submission)])
    assert json.loads(result.output)["max_score"] == 5.0


def test_grade_fails_clearly_when_it_cannot_grade(data, tmp_path):
    (tmp_path / "s.ipynb").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(notebooks, ["grade", str(data / "exercise.ipynb"),
                                            str(tmp_path / "s.ipynb")])
    assert result.exit_code == 1
    assert "Error: cannot grade: " in result.output and "s.ipynb" in result.output


def test_check_and_student_copy(sandbox, data, tmp_path):
    result = CliRunner().invoke(notebooks, ["check", str(data / "exercise.ipynb")])
    assert result.exit_code == 0 and "full marks" in result.output
    out = tmp_path / "student.ipynb"
    result = CliRunner().invoke(notebooks, ["student-copy", str(data / "exercise.ipynb"),
                                            str(out)])
    assert result.exit_code == 0
    assert "HIDDEN" not in out.read_text()
    assert nbformat.read(out, 4).cells[2].source.endswith("raise NotImplementedError()")
    result = CliRunner().invoke(notebooks, ["check", str(data / "bad_kernel.ipynb")])
    assert result.exit_code == 1 and "kernel must be 'python3'" in result.output
