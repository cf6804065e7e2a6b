"""Fixtures for the notebook area: test notebooks, small sandbox limits, hostile grading."""

import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from elearn.notebooks.exercise import read_exercise
from elearn.notebooks.grade import grade_notebook
from elearn.notebooks.sandbox import SandboxLimits, sandbox_status
from elearn.notebooks.transform import make_student_copy

DATA = Path(__file__).parent / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sandbox():
    """The strong sandbox must work wherever bubblewrap is installed (it is in CI)."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (apt-get install bubblewrap)")
    status = sandbox_status()
    assert status.strong, status.detail
    return status


@pytest.fixture
def limits() -> SandboxLimits:
    """Small limits so hostile notebooks finish in seconds."""
    return SandboxLimits(wall_time=12, cell_timeout=3, cpu_time=10, memory=768 << 20,
                         processes=32, file_size=8 << 20, disk=32 << 20, output=1 << 20)


@pytest.fixture
def student_copy():
    """Student copy of a data/ exercise with the given answer cells' sources replaced."""

    def make(name: str, **answers: str):
        exercise = read_exercise(DATA / name)
        nb = make_student_copy(exercise)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        return exercise, nb

    return make


@pytest.fixture
def grade_hostile(sandbox, student_copy, limits):
    """Grade ``code`` as the answer of hostile_exercise.ipynb; returns the report."""

    def grade(code: str, **changes):
        exercise, nb = student_copy("hostile_exercise.ipynb", answer=code)
        return grade_notebook(exercise, nb, replace(limits, **changes))

    return grade


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(str(output.get("data", {}).get("text/plain", "")))
        parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "\n".join(parts)


def write(nb, path: Path) -> Path:
    nbformat.write(nb, path)
    return path
