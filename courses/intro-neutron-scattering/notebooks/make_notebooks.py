"""Write the exercise notebooks of this course from their sources in this folder; rerun after
editing them: ``.venv/bin/python courses/intro-neutron-scattering/notebooks/make_notebooks.py``
(an optional argument writes them to another folder instead).

Each ``exercise_*.py`` module holds one notebook's cells (built with notebook_cells.py); the data
they embed come from ``data/*.dat`` (made by make_data.py). Data are embedded as array literals
in a locked cell because the grading sandbox sees the notebook only, not the files next to it.
"""

import sys
from pathlib import Path

import exercise_bragg_powder
import exercise_sans_sphere_fit
import exercise_tof_wavelength
from notebook_cells import HERE, write_notebook

NOTEBOOKS = {"sans-sphere-fit.ipynb": exercise_sans_sphere_fit,
             "bragg-powder.ipynb": exercise_bragg_powder,
             "tof-wavelength.ipynb": exercise_tof_wavelength}


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for file, module in NOTEBOOKS.items():
        write_notebook(file, module.cells(), folder)


if __name__ == "__main__":
    main()
