"""Benchmark: quiz attempt pages and autosaves under 50 concurrent students.

Sets up a fresh instance (SQLite, the demo course, N students), serves it with waitress in a
subprocess, signs every student in, starts an attempt at a demo quiz each, then for --seconds
each student's thread alternates loading their attempt page and autosaving an answer.
Prints requests/s and p50/p95/p99 latency for page views and for autosaves.

    .venv/bin/python bench/quiz_pages.py [--students 50] [--seconds 10] [--threads 8]
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COURSE = ROOT / "courses" / "intro-neutron-scattering"
PASSWORD = "bench password 1"


def settings(instance: Path):
    from elearn.config import Settings

    return Settings(instance_path=instance, database_url=f"sqlite:///{instance / 'elearn.sqlite'}",
                    secret_key="bench-secret-key-0123456789", queue="immediate")  # fmt: skip


def serve(port: int, instance: Path, threads: int) -> None:
    from waitress import serve as waitress_serve

    from elearn import create_app
    from elearn.quiz.views import blueprint

    app = create_app(settings(instance))
    if "quiz" not in app.blueprints:  # until the lead registers it in create_app
        app.register_blueprint(blueprint)
    waitress_serve(app, host="127.0.0.1", port=port, threads=threads, ident="bench")


def prepare(instance: Path, students: int) -> None:
    from sqlalchemy.orm import sessionmaker

    from elearn.auth.models import Role
    from elearn.auth.services import create_user
    from elearn.courses.importer import import_course
    from elearn.db import make_engine
    from elearn.db.migrate import upgrade
    from elearn.quiz import kind  # noqa: F401

    instance.mkdir(parents=True)
    engine = make_engine(settings(instance).database_url)
    upgrade(engine)
    with sessionmaker(engine)() as session:
        import_course(session, COURSE)
        for i in range(students):
            create_user(session, email=f"s{i}@example.org", name=f"Student {i}", password=PASSWORD,
                        role=Role.STUDENT)  # fmt: skip
        session.commit()


def sign_in_and_start(base: str, index: int, quiz: str) -> tuple[requests.Session, str, str]:
    client = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"{base}/auth/login").text)[
        1
    ]
    client.post(f"{base}/auth/login", data={"email": f"s{index}@example.org", "password": PASSWORD,
                                            "csrf_token": token})  # fmt: skip
    overview = client.get(f"{base}/courses/{COURSE.name}/quizzes/{quiz}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', overview)[1]
    started = client.post(
        f"{base}/courses/{COURSE.name}/quizzes/{quiz}/attempts", data={"csrf_token": token}
    )
    return client, started.url, token


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--quiz", default="neutron-basics")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "INSTANCE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(int(options.serve[0]), Path(options.serve[1]), options.threads)
        return
    instance = Path(tempfile.mkdtemp(prefix="elearn-quiz-bench-")) / "instance"
    prepare(instance, options.students)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, __file__, "--threads", str(options.threads),
                               "--serve", str(port), str(instance)])  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(base, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        clients = [sign_in_and_start(base, i, options.quiz) for i in range(options.students)]
        pages: list[float] = []
        saves: list[float] = []
        stop_at = time.perf_counter() + options.seconds

        def student(client: requests.Session, url: str, token: str) -> None:
            count = 0
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                pages.append(time.perf_counter() - started)
                count += 1
                started = time.perf_counter()
                reply = client.post(f"{url}/save", data={"q-discoverer-value": f"Chadwick {count}",
                                                         "csrf_token": token},
                                    headers={"X-Requested-With": "fetch",
                                             "X-CSRFToken": token})  # fmt: skip
                assert reply.status_code == 200, reply.text
                saves.append(time.perf_counter() - started)

        threads = [threading.Thread(target=student, args=c) for c in clients]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = time.perf_counter() - began
        print(f"waitress {options.threads} threads, SQLite, "
              f"{options.students} concurrent students, "
              f"quiz {options.quiz}, {options.seconds:.0f} s")  # fmt: skip
        print(f"{'request':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for name, values in (("page", pages), ("autosave", saves)):
            print(f"{name:>9} {len(values) / spent:>8.1f} {percentile(values, 0.5):>8.1f} "
                  f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
