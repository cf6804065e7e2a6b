"""Benchmark: 200 students start an exam with simulation questions at the same moment.

Starts ``elearn serve`` (web server + embedded queue worker) on a fresh instance with the demo
course, whose quiz ``bragg-exam`` shares one wavelength between two simulation questions and
has a pool of 12 variants. Students are created before the clock starts and signed in. With
pre-computation (default) a teacher first presses "Pre-compute reference runs" and waits for
the Exam readiness page to report every run done. Then every student at once: starts the quiz
(the attempt page loads), runs the simulation of question ``peak`` inside the question, and
submits an answer (which needs the reference run). Prints the time until every attempt was
open, attempt-page latency p50/p95/max, and for every simulation job requested after the
start its queue wait (started_at - created_at) p50/p95/max.

    .venv/bin/python bench/exam_start.py [--students 200] [--no-precompute] [--postgresql]

SQLite (the default) serialises every write; --postgresql runs on a fresh database at
127.0.0.1:5432, as a production exam would.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests
from live import TOKEN, serving, signed_in
from sqlalchemy import create_engine, text

COURSE, QUIZ = "intro-neutron-scattering", "bragg-exam"


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "none"
    pick = lambda f: ordered[min(len(ordered) - 1, int(f * len(ordered)))]  # noqa: E731
    return (f"p50 {pick(0.5) * 1000:7.0f} ms   p95 {pick(0.95) * 1000:7.0f} ms   "
            f"max {ordered[-1] * 1000:7.0f} ms")  # fmt: skip


def precompute(base: str) -> float:
    teacher = signed_in(base, "teacher@bench.invalid")
    page = f"{base}/courses/{COURSE}/quizzes/{QUIZ}/readiness"
    token = TOKEN.search(teacher.get(page).text).group(1)
    started = time.perf_counter()
    teacher.post(page, data={"csrf_token": token})
    while True:
        counts = teacher.get(page + ".json").json()["counts"]
        if counts["queued"] + counts["running"] + counts["missing"] == 0:
            assert counts["failed"] == 0, counts
            return time.perf_counter() - started
        time.sleep(0.5)


def closed(session: requests.Session) -> requests.Session:
    """No keep-alive: 200 idle connections would exceed waitress's limit of 100 and stall."""
    session.headers["Connection"] = "close"
    session.close()
    return session


def student_exam(session: requests.Session, base: str, go: threading.Event) -> dict[str, float]:
    """Start (attempt page loads), run the question's simulation, submit an answer."""
    overview = f"{base}/courses/{COURSE}/quizzes/{QUIZ}"
    token = TOKEN.search(session.get(overview).text).group(1)
    go.wait()
    started = time.perf_counter()
    page = session.post(f"{overview}/attempts", data={"csrf_token": token})
    opened = time.perf_counter()
    assert page.status_code == 200 and "/quiz/attempts/" in page.url, page.status_code
    attempt = page.url
    run = session.post(f"{attempt}/questions/peak/run", data={"csrf_token": token, "q-peak-value": "40"})
    assert run.status_code == 200, run.status_code
    session.post(f"{attempt}/finish", data={"csrf_token": token, "q-peak-value": "40 deg"})
    return {"opened_at": opened, "page": opened - started, "done_at": time.perf_counter()}


def queue_waits(database_url: str, since: datetime) -> tuple[list[float], int, int]:
    """Queue wait of every job requested after ``since``, once none is waiting or running (or
    nothing changed for a minute: then also how many requests were left waiting)."""
    engine = create_engine(database_url)
    query = text("SELECT cache_key, status, created_at, started_at FROM simulation_runs ORDER BY id")
    last, changed = None, time.monotonic()
    while True:
        with engine.connect() as db:
            rows = [tuple(row) for row in db.execute(query) if _utc(row[2]) >= since]
        waiting = sum(status in ("queued", "running") for _, status, _, _ in rows)
        if rows != last:
            last, changed = rows, time.monotonic()
        if not waiting or time.monotonic() - changed > 60:
            break
        time.sleep(0.5)
    engine.dispose()
    first: dict[str, tuple[object, object]] = {}
    for key, _status, created, began in rows:  # a job serves every request of its cache key
        if began is not None:
            first.setdefault(key, (created, began))
    waits = [(_utc(b) - _utc(c)).total_seconds() for c, b in first.values()]
    return waits, len(rows), waiting


def _utc(value: object) -> datetime:
    """A timestamp as SQLite (naive text, UTC) or PostgreSQL (aware) returns it."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def postgresql_database() -> str:
    name = f"elearn_exam_bench_{os.getpid()}"
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--no-precompute", action="store_true")
    parser.add_argument("--postgresql", action="store_true")
    options = parser.parse_args()
    database_url = postgresql_database() if options.postgresql else None
    with serving(options.students, database_url, threads=16) as served:
        base = served.url
        mode = "without pre-computation"
        if not options.no_precompute:
            mode = f"pre-computed in {precompute(base):.1f} s"
        students = [closed(signed_in(base, f"student{i}@bench.invalid")) for i in range(options.students)]
        go = threading.Event()
        with ThreadPoolExecutor(max_workers=options.students) as pool:
            futures = [pool.submit(student_exam, s, base, go) for s in students]
            time.sleep(2)  # every thread has its form token and waits
            since = datetime.now(UTC)
            clock = time.perf_counter()
            go.set()
            results = [f.result() for f in futures]
        all_open = max(r["opened_at"] for r in results) - clock
        all_done = max(r["done_at"] for r in results) - clock
        waits, requests_made, stuck = queue_waits(served.database_url, since)
        database = "PostgreSQL" if options.postgresql else "SQLite"
        print(f"{os.cpu_count()} cores, {database}; {options.students} students; quiz {QUIZ} "
              f"(12 variants); {mode}")  # fmt: skip
        print(f"all attempts open after {all_open:.1f} s; start + run + submit done after {all_done:.1f} s")
        print(f"attempt page (start -> page loaded): {percentiles([r['page'] for r in results])}")
        print(f"simulation jobs after the start: {len(waits)} jobs for {requests_made} run requests; "
              f"queue wait {percentiles(waits)}")  # fmt: skip
        if stuck:
            print(f"{stuck} run requests still queued a minute after the last change (never started)")


if __name__ == "__main__":
    main()
