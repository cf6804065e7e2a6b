"""Benchmark: simulations through the whole platform, as students use it.

Starts ``elearn serve`` (embedded queue, its worker) on a fresh instance and measures, over HTTP:
1. click to plot: POST a 1e6-ray SANS run, poll its status, load the run page and every plot;
2. a cached rerun: the same request again (served from the result cache): the click to the
   result page, and to the page with its plots (drawn once, then served from files);
3. a class: N students (default 50) each submit a different parameter set at the same moment;
   time until all are done, runs/s, and each student's submit-to-done wait (p50, p95).
Prints medians; run it on an otherwise idle machine for numbers worth comparing.

    .venv/bin/python bench/sim_service.py [--students 50] [--class-ncount 2e5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from live import TOKEN, plot_data, serving, show, signed_in


def submit(
    session: requests.Session, base: str, instrument: str, ncount: str, seed: int, **params: str
) -> str:
    page = session.get(f"{base}/sim/{instrument}").text
    token = TOKEN.search(page).group(1)
    data = {
        "csrf_token": token,
        "ncount": ncount,
        "seed": str(seed),
        **{f"p:{k}": v for k, v in params.items()},
    }
    response = session.post(f"{base}/sim/{instrument}/runs", data=data, allow_redirects=False)
    return base + response.headers["Location"]


def wait_done(session: requests.Session, run_url: str, interval: float = 0.05) -> None:
    while True:
        state = session.get(run_url + "/status").json()
        if state["finished"]:
            if state["status"] != "done":
                raise RuntimeError(f"{run_url}: {state}")
            return
        time.sleep(interval)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--class-ncount", default="2e5")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    with serving(options.students) as served:
        base = served.url
        teacher = signed_in(base, "teacher@bench.invalid")
        print(f"{os.cpu_count()} cores; SANS_spheres.instr; embedded engine; median of {options.repeat}")
        clicks, reruns, pages = [], [], []
        for repeat in range(options.repeat):
            started = time.perf_counter()
            run_url = submit(teacher, base, "SANS_spheres.instr", "1e6", 1000 + repeat)
            wait_done(teacher, run_url)
            show(teacher, run_url)
            clicks.append(time.perf_counter() - started)
            form = teacher.get(f"{base}/sim/SANS_spheres.instr").text  # the form the student has open
            token = TOKEN.search(form).group(1)
            started = time.perf_counter()
            data = {"csrf_token": token, "ncount": "1e6", "seed": str(1000 + repeat)}
            page = teacher.post(f"{base}/sim/SANS_spheres.instr/runs", data=data)
            assert "already in the cache" in page.text
            pages.append(time.perf_counter() - started)
            plot_data(teacher, page.url, page.text)
            reruns.append(time.perf_counter() - started)
        print(
            f"click to plots, 1e6 rays:        {statistics.median(clicks):7.2f} s   (runs: "
            + ", ".join(f"{t:.2f}" for t in clicks)
            + ")"
        )
        print(f"cached rerun, click to result page: {statistics.median(pages) * 1000:6.1f} ms, "
              f"with its plots: {statistics.median(reruns) * 1000:6.1f} ms")

        students = [signed_in(base, f"student{i}@bench.invalid") for i in range(options.students)]

        def one_student(index: int) -> float:
            started = time.perf_counter()
            run_url = submit(
                students[index], base, "SANS_spheres.instr", options.class_ncount, 7, R=str(50 + 5 * index)
            )  # a different sphere radius each
            wait_done(students[index], run_url, interval=0.25)
            return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=options.students) as pool:
            waits = sorted(pool.map(one_student, range(options.students)))
        total = time.perf_counter() - started
        print(
            f"class of {options.students}, {options.class_ncount} rays each: all done in {total:.1f} s, "
            f"{options.students / total:.2f} runs/s; wait p50 {statistics.median(waits):.1f} s, "
            f"p95 {waits[int(0.95 * (len(waits) - 1))]:.1f} s, max {waits[-1]:.1f} s"
        )


if __name__ == "__main__":
    main()
