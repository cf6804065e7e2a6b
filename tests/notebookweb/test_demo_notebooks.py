"""The course's exercise notebooks: reproducible from their sources, full marks for the reference
solution, zero for the untouched student copy, and hidden tests that catch answers the visible
tests let through. Not under tests/ (collected only when named):
``.venv/bin/pytest courses/intro-neutron-scattering/notebooks/test_exercises.py``."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from elearn.notebooks.exercise import nbgrader_meta, read_exercise
from elearn.notebooks.grade import grade_notebook
from elearn.notebooks.sandbox import SandboxLimits, sandbox_status
from elearn.notebooks.transform import make_student_copy

HERE = Path(__file__).parents[2] / "courses" / "intro-neutron-scattering" / "notebooks"
NOTEBOOKS = ["sans-sphere-fit.ipynb", "bragg-powder.ipynb", "tof-wavelength.ipynb"]
LIMITS = SandboxLimits(wall_time=90)

# Wrong answers that pass a test cell's visible asserts but not its hidden ones:
# {notebook: {solution grade_id: [(text in the reference answer, replacement)]}}, and the
# test cells that must then fail.
WRONG = {
    "sans-sphere-fit.ipynb": (
        {"fit": [("sigma=error,\n                       absolute_sigma=True)", ")")],
         "minimum": [("q_min_model = 4.493 / R_fit", "q_min_model = 4.493 / 100")]},
        {"test_fit", "test_minimum"}),
    "tof-wavelength.ipynb": (
        {"wavelength": [("h * np.asarray(t_us) * 1e-6 / (m_n * L_m) * 1e10",
                         "3956 * np.asarray(t_us) * 1e-6 / L_m")],
         "energy": [("h**2 / (2 * m_n * lam_m**2) / e * 1e3", "81.81e-20 / lam_m**2")],
         "spectrum": [("(2 * energy / t_us * dt_us)", "(energy / t_us * dt_us)")],
         "fit": [("E_peak = k * T_fit / e * 1e3",
                  "E_peak = energy[np.argmax(counts_per_meV)]")]},
        {"test_wavelength", "test_energy", "test_spectrum", "test_fit"}),
    "bragg-powder.ipynb": (
        {"peaks": [("    centres.append(popt[1])", "    centres.append(two_theta[index])")],
         "lattice": [("a_values.std(ddof=1) / np.sqrt(len(a_values))",
                      "a_values.std(ddof=1)")]},
        {"test_peaks", "test_a"}),
}


@pytest.fixture(scope="module")
def sandbox():
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (apt-get install bubblewrap)")
    status = sandbox_status()
    assert status.strong, status.detail


def grade(exercise, submission) -> dict[str, float]:
    report = grade_notebook(exercise, submission, LIMITS)
    assert report.stopped is None, report.message
    return {cell.grade_id: cell.points for cell in report.cells}


def test_notebooks_are_what_make_notebooks_writes(tmp_path):
    subprocess.run([sys.executable, str(HERE / "make_notebooks.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for name in NOTEBOOKS:
        assert (tmp_path / name).read_text() == (HERE / name).read_text(), name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_exercise_has_hidden_tests_and_stays_small(name):
    exercise = read_exercise(HERE / name)
    tests = [exercise.notebook.cells[t.index].source for t in exercise.tests]
    assert len(tests) >= 3 and all("### BEGIN HIDDEN TESTS" in source for source in tests)
    assert exercise.max_points == 10
    assert (HERE / name).stat().st_size < 200_000


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reference_earns_full_marks_and_student_copy_none(sandbox, name):
    exercise = read_exercise(HERE / name)
    assert sum(grade(exercise, exercise.notebook).values()) == exercise.max_points
    assert sum(grade(exercise, make_student_copy(exercise)).values()) == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_hidden_tests_catch_wrong_answers(sandbox, name):
    exercise = read_exercise(HERE / name)
    edits, failing = WRONG[name]
    submission = make_student_copy(exercise)
    for cell, reference in zip(submission.cells, exercise.notebook.cells, strict=True):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution"):
            cell.source = reference.source
        for old, new in edits.get(grade_id, []):
            assert old in cell.source, (grade_id, old)
            cell.source = cell.source.replace(old, new)
    points = grade(exercise, submission)
    assert {grade_id for grade_id, p in points.items() if p == 0} == failing
    # The same answers pass the visible asserts: run the student copy's test cells instead.
    visible = make_student_copy(exercise)
    exercise.notebook.cells = [
        v if nbgrader_meta(v).get("grade") else c
        for c, v in zip(exercise.notebook.cells, visible.cells, strict=True)]
    assert sum(grade(exercise, submission).values()) == exercise.max_points
