"""Submit-to-score latency of a typical notebook exercise, printed as p50/p95 in seconds.

The exercise: 10 code cells of numpy/matplotlib (two plots, a fit, hidden tests). Measured:
restore the teacher's cells, execute in the bubblewrap sandbox, score; for 1 submission at a
time and for 20 submitted at once (run by --workers at a time, as the job queue would, the
wait counted in the latency); with a cold kernel per submission and with a pool of
pre-started kernels (each used once). Run as root (the sandbox drops to per-run uids):

    .venv/bin/python bench/notebook_latency.py [--rounds 10] [--workers 2] [--pool-size 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from elearn.notebooks.exercise import read_exercise
from elearn.notebooks.grade import grade_notebook
from elearn.notebooks.pool import KernelPool
from elearn.notebooks.sandbox import SandboxLimits, sandbox_status
from elearn.notebooks.transform import make_student_copy

SOLUTION = """def sphere_intensity(q, radius):
    \"\"\"Sphere form factor squared, q in 1/AA, radius in AA.\"\"\"
    ### BEGIN SOLUTION
    qr = q * radius
    return (3 * (np.sin(qr) - qr * np.cos(qr)) / qr**3) ** 2
    ### END SOLUTION"""

CELLS = [
    ("md", "# Sphere form factor\n$I(q) = [3(\\sin qR - qR\\cos qR)/(qR)^3]^2$", None),
    ("code", "import numpy as np\nimport matplotlib.pyplot as plt", "setup"),
    ("code", SOLUTION, "answer"),
    ("code", "q = np.linspace(0.005, 0.5, 500)\nI = sphere_intensity(q, 40.0)", "data"),
    (
        "code",
        "fig, ax = plt.subplots()\nax.semilogy(q, I)\nax.set_xlabel('q (1/AA)')\nplt.show()",
        "plot",
    ),
    ("code", "rng = np.random.default_rng(1)\nnoisy = I * rng.normal(1, 0.05, q.size)", "noise"),
    (
        "code",
        "radii = np.linspace(30, 50, 201)\nchi2 = [np.sum((np.log(noisy) - "
        "np.log(sphere_intensity(q, r)))**2) for r in radii]\n"
        "best = radii[int(np.argmin(chi2))]\nbest",
        "fit",
    ),
    ("code", "plt.plot(radii, chi2)\nplt.show()", "plot_chi2"),
    ("test", "assert abs(sphere_intensity(np.array([1e-4]), 40.0)[0] - 1) < 1e-3", "test_limit"),
    (
        "test",
        "assert abs(best - 40) < 1\n### BEGIN HIDDEN TESTS\n"
        "assert np.isclose(sphere_intensity(0.1, 20.0), 0.4265, atol=1e-3)\n"
        "### END HIDDEN TESTS",
        "test_fit",
    ),
    ("code", "print(f'fitted radius {best:.1f} AA')", "report"),
]


def write_exercise(folder: Path) -> Path:
    cells = []
    for kind, source, grade_id in CELLS:
        meta = {
            "grade_id": grade_id,
            "schema_version": 3,
            "grade": kind == "test",
            "solution": grade_id == "answer",
            "locked": grade_id != "answer",
        }
        if kind == "test":
            meta["points"] = 1
        make = new_markdown_cell if kind == "md" else new_code_cell
        cells.append(make(source, metadata={"nbgrader": meta} if grade_id else {}))
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = folder / "sans_exercise.ipynb"
    nbformat.write(nb, path)
    return path


def submit(exercise, submission, limits, pool, submitted: float) -> float:
    """Seconds from ``submitted`` (monotonic) to the score: queue wait + grading."""
    report = grade_notebook(exercise, submission, limits, pool=pool)
    elapsed = time.monotonic() - submitted
    assert report.score == report.max_score, report.to_dict()
    return elapsed


def measure(exercise, submission, limits, at_once, rounds, workers, pool) -> list[float]:
    """``rounds`` bursts of ``at_once`` submissions, run by ``workers`` like a job queue."""
    times: list[float] = []
    with ThreadPoolExecutor(max_workers=workers) as executor:
        for _ in range(rounds):
            if pool is not None:  # students think between submissions: the pool refills
                pool.refill()
                pool.wait_ready(120)
            submitted = time.monotonic()
            futures = [
                executor.submit(submit, exercise, submission, limits, pool, submitted)
                for _ in range(at_once)
            ]
            times += [f.result() for f in futures]
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="submissions one at a time")
    parser.add_argument("--rounds-20", type=int, default=2, help="bursts of 20 at once")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="notebooks executed at the same time (job queue workers)",
    )
    parser.add_argument("--pool-size", type=int, default=2)
    args = parser.parse_args()
    print(f"sandbox: {sandbox_status().detail}")
    limits = SandboxLimits()
    with tempfile.TemporaryDirectory() as folder:
        exercise = read_exercise(write_exercise(Path(folder)))
        submission = make_student_copy(exercise)
        submission.cells[2].source = SOLUTION  # markers are comments: a correct answer
        print(f"{'kernels':<14}{'at once':>8}{'workers':>8}{'n':>5}{'p50 s':>8}{'p95 s':>8}")
        cases = [("cold", 0), (f"pool of {args.pool_size}", args.pool_size), ("pool of 20", 20)]
        for label, pool_size in cases:
            for at_once, rounds in ((1, args.rounds), (20, args.rounds_20)):
                if pool_size == 20 and at_once == 1:
                    continue  # same as any warm pool for one at a time
                workers = 1 if at_once == 1 else args.workers
                pool = KernelPool(limits, pool_size) if pool_size else None
                try:
                    times = measure(exercise, submission, limits, at_once, rounds, workers, pool)
                finally:
                    if pool is not None:
                        pool.close()
                print(
                    f"{label:<14}{at_once:>8}{workers:>8}{len(times):>5}"
                    f"{percentile(times, 0.5):>8.2f}{percentile(times, 0.95):>8.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
