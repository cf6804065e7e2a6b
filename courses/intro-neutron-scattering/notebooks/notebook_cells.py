"""Building blocks of the exercise notebooks: nbgrader cells (schema 3), embedded data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def markdown(grade_id: str, text: str, solution: bool = False):
    """A Markdown cell, locked (instructions) or a free-text answer (solution)."""
    return _cell(new_markdown_cell, text, grade_id, solution=solution, locked=not solution)


def given(grade_id: str, source: str):
    """Read-only code: imports, data, plots."""
    return _cell(new_code_cell, source, grade_id, locked=True)


def answer(grade_id: str, source: str):
    """Code the student completes: the ### BEGIN/END SOLUTION regions are stubbed out."""
    return _cell(new_code_cell, source, grade_id, solution=True)


def test(grade_id: str, points: float, source: str):
    """An autograded, read-only test cell; ### BEGIN/END HIDDEN TESTS are removed for students."""
    return _cell(new_code_cell, source, grade_id, grade=True, locked=True, points=points)


def _cell(make, source: str, grade_id: str, grade=False, solution=False, locked=False,
          points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    cell = make(textwrap.dedent(source).strip("\n"), metadata={"nbgrader": meta})
    cell.id = grade_id  # stable ids keep regenerated notebooks identical
    return cell


def array_literal(name: str, values, fmt: str = "%.5g", width: int = 95) -> str:
    """``name = np.array([...])`` wrapped to ``width`` columns, values printed with ``fmt``."""
    items = [fmt % v for v in np.asarray(values).ravel()]
    body = textwrap.fill(", ".join(items), width=width, initial_indent="    ",
                         subsequent_indent="    ")
    return f"{name} = np.array([\n{body},\n])"


def read_columns(file: str) -> np.ndarray:
    """Columns of a data/*.dat file as a (columns, rows) array."""
    return np.loadtxt(HERE / "data" / file, unpack=True)


def write_notebook(file: str, cells: list, folder: Path = HERE) -> None:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNEL,
                                             "language_info": {"name": "python"}})
    nbformat.validate(nb)
    nbformat.write(nb, folder / file)
    print(f"wrote {folder / file}")
