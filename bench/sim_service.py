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
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_students(env: dict[str, str], count: int) -> None:
    """Create the accounts in one process (the CLI would start Python once per account)."""
    script = f"""
from elearn import create_app
from elearn.auth.models import Role
from elearn.auth.services import create_user
from elearn.db import database

app = create_app()
with app.app_context():
    s = database().sessions()
    for i in range({count}):
        create_user(s, email=f"student{{i}}@bench.invalid", name=f"Student {{i}}", password={PASSWORD!r},
                    role=Role.STUDENT)
    create_user(s, email="teacher@bench.invalid", name="T", password={PASSWORD!r}, role=Role.TEACHER)
    s.commit()
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{base}/auth/login").text).group(1)
    session.post(f"{base}/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return session


def submit(
    session: requests.Session, base: str, instrument: str, ncount: str, seed: int, **params: str
) -> str:
    page = session.get(f"{base}/sim/{instrument}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
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


def show(session: requests.Session, run_url: str) -> None:
    """What the browser does after the reload: the page, then every plot on it."""
    page = session.get(run_url).text
    base = run_url.split("/sim/")[0]
    for plot in re.findall(r'<img src="(/sim/runs/\d+/plots/[^"]+)"', page):
        assert session.get(base + plot).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--class-ncount", default="2e5")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="elearn-bench-")) / "instance"
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance)}
    env.pop("ELEARN_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "elearn", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    make_students(env, options.students)
    port = free_port()
    log = (instance.parent / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "elearn", "serve", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
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
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            started = time.perf_counter()
            data = {"csrf_token": token, "ncount": "1e6", "seed": str(1000 + repeat)}
            page = teacher.post(f"{base}/sim/SANS_spheres.instr/runs", data=data)
            assert "already in the cache" in page.text
            pages.append(time.perf_counter() - started)
            for plot in re.findall(r'<img src="(/sim/runs/\d+/plots/[^"]+)"', page.text):
                teacher.get(base + plot)
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
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
