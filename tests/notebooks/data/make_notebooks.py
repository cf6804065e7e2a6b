"""Writes the test notebooks of this folder (one small notebook per case); rerun after edits:
``.venv/bin/python tests/notebooks/data/make_notebooks.py``."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def meta(grade_id, grade=False, solution=False, locked=False, points=None):
    data = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if points is not None:
        data["points"] = points
    return {"nbgrader": data}


def cell(source, kind="code", **nbgrader):
    make = new_code_cell if kind == "code" else new_markdown_cell
    return make(source, metadata=meta(**nbgrader) if nbgrader else {})


def write(name, cells, kernel=KERNEL):
    nb = new_notebook(cells=cells, metadata={"kernelspec": kernel} if kernel else {})
    nbformat.write(nb, HERE / name)


SOLUTION = """def square(x):
    \"\"\"x squared.\"\"\"
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION"""

TEST_SQUARE = """assert square(2) == 4
### BEGIN HIDDEN TESTS
assert square(-3) == 9
### END HIDDEN TESTS"""

EXERCISE = [
    cell("# Squares\nWrite `square(x)`; the energy is $E = \\hbar^2 k^2 / 2m$.", "markdown",
         grade_id="intro", locked=True),
    cell("import numpy as np", grade_id="setup", locked=True),
    cell(SOLUTION, grade_id="square", solution=True),
    cell(TEST_SQUARE, grade_id="test_square", grade=True, locked=True, points=2),
    cell("Explain in one sentence.", "markdown", grade_id="explain", solution=True),
    cell("# partial credit: one point per correct value\n"
         "sum(float(square(v) == v * v) for v in (1.0, 2.5, np.float64(3)))",
         grade_id="test_partial", grade=True, locked=True, points=3),
]


def exercise_cells(solution=SOLUTION):
    cells = [nbformat.from_dict(c) for c in EXERCISE]
    cells[2].source = solution
    return cells


def main():
    write("exercise.ipynb", exercise_cells())
    # Validation errors: one notebook per problem.
    write("bad_kernel.ipynb", exercise_cells(), {"name": "ir", "display_name": "R",
                                                 "language": "R"})
    dup = exercise_cells()
    dup[5].metadata.nbgrader.grade_id = "test_square"
    write("duplicate_id.ipynb", dup)
    negative = exercise_cells()
    negative[3].metadata.nbgrader.points = -1
    write("negative_points.ipynb", negative)
    write("unclosed_marker.ipynb", exercise_cells("def square(x):\n    ### BEGIN SOLUTION\n"
                                                  "    return x * x"))
    stray = exercise_cells()
    stray[1].source = "### BEGIN SOLUTION\nimport numpy as np\n### END SOLUTION"
    write("marker_outside_solution.ipynb", stray)
    old = exercise_cells()
    old[3].metadata.nbgrader.schema_version = 1
    write("old_schema.ipynb", old)
    # A one-answer exercise for hostile submissions: the answer cell, then a test that
    # shows later cells still run and are graded.
    write("hostile_exercise.ipynb", [
        cell("pass", grade_id="answer", solution=True),
        cell("assert 1 + 1 == 2", grade_id="test_after", grade=True, locked=True, points=1),
    ])


if __name__ == "__main__":
    main()
