"""Pre-started kernels: used once each, nothing shared between runs, killed on close."""

from dataclasses import replace

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from elearn.notebooks.execute import execute_notebook
from elearn.notebooks.pool import KernelPool

from .conftest import outputs_text
from .test_sandbox import uid_processes


def notebook(*sources):
    return new_notebook(cells=[new_code_cell(s) for s in sources],
                        metadata={"kernelspec": {"name": "python3", "display_name": "P"}})


def test_pooled_kernels_are_warm_fresh_and_cleaned_up(sandbox, limits):
    pool = KernelPool(limits, size=1)
    try:
        assert pool.wait_ready(60)
        probe = ("import sys, os\nprint('numpy' in sys.modules, 'secret' in globals(), "
                 "'left' in os.listdir('.'))")
        first = execute_notebook(notebook(probe, "secret = 42\nopen('left', 'w').write('x')"),
                                 pool=pool)
        assert outputs_text(first.notebook.cells[0]).split()[:3] == ["True", "False", "False"]
        assert pool.wait_ready(60)
        second = execute_notebook(notebook(probe), pool=pool)
        assert outputs_text(second.notebook.cells[0]).split()[:3] == ["True", "False", "False"]
        assert first.stopped is None and second.stopped is None
    finally:
        pool.close()
    assert uid_processes() == []
    assert pool.take() is None


def test_a_pool_for_other_limits_is_not_used(sandbox, limits):
    pool = KernelPool(limits, size=1)
    try:
        assert pool.wait_ready(60)
        other = replace(limits, cell_timeout=7)
        result = execute_notebook(notebook("import sys\nprint('numpy' in sys.modules)"),
                                  other, pool=pool)
        assert outputs_text(result.notebook.cells[0]).split()[0] == "False"
        assert len(pool._idle) == 1
    finally:
        pool.close()
    nbformat.validate(result.notebook)
