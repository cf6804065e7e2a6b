"""Benchmark: CPU cost of starting a quiz attempt, in-process (no HTTP server, no client threads).

Imports the demo course into a fresh SQLite instance, signs N students in with the Flask test
client, then each starts the quiz (POST .../attempts) and loads the attempt page it is sent
to. Prints the median and p90 of start + page, and with --profile the functions where the time
goes, so the server's share of ``bench/exam_start.py`` can be told from the clients' and locks'.

    .venv/bin/python bench/quiz_start.py [--quiz bragg-exam] [--students 150] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from elearn import create_app  # noqa: E402
from elearn.auth.models import Role  # noqa: E402
from elearn.auth.services import create_user  # noqa: E402
from elearn.config import Settings  # noqa: E402
from elearn.courses.importer import import_course  # noqa: E402
from elearn.db import database, make_engine  # noqa: E402
from elearn.db.migrate import upgrade  # noqa: E402

COURSE = "intro-neutron-scattering"
PASSWORD = "bench password 1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in_students(app, count: int, quiz: str) -> list[tuple[object, str]]:
    with app.app_context():
        session = database().sessions()
        import_course(session, ROOT / "courses" / COURSE)
        for i in range(count):
            create_user(session, email=f"s{i}@bench.invalid", name=f"S {i}", password=PASSWORD,
                        role=Role.STUDENT)  # fmt: skip
        session.commit()
    students = []
    for i in range(count):
        client = app.test_client()
        token = TOKEN.search(client.get("/auth/login").text).group(1)
        data = {"email": f"s{i}@bench.invalid", "password": PASSWORD, "csrf_token": token}
        assert client.post("/auth/login", data=data).status_code == 302
        page = client.get(f"/courses/{COURSE}/quizzes/{quiz}").text
        students.append((client, TOKEN.search(page).group(1)))
    return students


def start(client, token: str, quiz: str) -> None:
    started = client.post(f"/courses/{COURSE}/quizzes/{quiz}/attempts", data={"csrf_token": token})
    assert started.status_code == 302, started.status_code
    assert client.get(started.headers["Location"]).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quiz", default="bragg-exam")
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="elearn-start-bench-")) / "instance"
    instance.mkdir()
    settings = Settings(instance_path=instance, database_url=f"sqlite:///{instance / 'db.sqlite'}",
                        secret_key="bench-secret-key-0123456789", queue="immediate")  # fmt: skip
    upgrade(make_engine(settings.database_url))
    app = create_app(settings)
    students = signed_in_students(app, options.students + 1, options.quiz)
    start(*students[0], options.quiz)  # warm: spec parsed, course renderer built
    profile = cProfile.Profile() if options.profile else None
    spent = []
    for client, token in students[1:]:
        began = time.perf_counter()
        if profile:
            profile.enable()
        start(client, token, options.quiz)
        if profile:
            profile.disable()
        spent.append(time.perf_counter() - began)
    spent.sort()
    print(f"quiz {options.quiz}, SQLite, {options.students} starts in-process"
          f"{' (profiled)' if profile else ''}: start + attempt page "
          f"median {spent[len(spent) // 2] * 1000:.2f} ms, p90 {spent[int(len(spent) * 0.9)] * 1000:.2f} ms")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats("elearn/|jinja2|markdown_it", 30)


if __name__ == "__main__":
    main()
