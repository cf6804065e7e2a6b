"""What the HTTP benchmarks share: a fresh instance served by ``elearn serve``, accounts, and
a browser's requests (sign in, load a page with the plot data its script fetches)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

PASSWORD = "benchmark password"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PLOT_DATA = re.compile(r'data-(?:plot|scan)-url="([^"]+)"')


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


@dataclass(frozen=True)
class Served:
    url: str
    database_url: str


@contextmanager
def serving(students: int = 0, database_url: str | None = None, threads: int | None = None,
            ) -> Iterator[Served]:  # fmt: skip
    """``elearn serve`` (web server and worker) on a fresh instance with the demo course, a teacher
    and ``students`` accounts (on SQLite in the instance unless ``database_url``); stops it after."""
    instance = Path(tempfile.mkdtemp(prefix="elearn-bench-")) / "instance"
    instance.mkdir(parents=True)
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance)}
    env["ELEARN_DATABASE_URL"] = database_url or f"sqlite:///{instance / 'elearn.sqlite'}"
    upgrade = [sys.executable, "-m", "elearn", "db", "upgrade"]
    subprocess.run(upgrade, env=env, check=True, capture_output=True)
    make_students(env, students)
    port = free_port()
    command = [sys.executable, "-m", "elearn", "serve", "--port", str(port)]
    if threads:
        command += ["--threads", str(threads)]
    with (instance.parent / "serve.log").open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(base, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield Served(base, env["ELEARN_DATABASE_URL"])
    finally:
        server.terminate()
        server.wait(timeout=60)


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base}/auth/login").text).group(1)
    session.post(f"{base}/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return session


def show(session: requests.Session, url: str) -> str:
    """What the browser does: load the page, then the data of every interactive plot on it."""
    page = session.get(url).text
    plot_data(session, url, page)
    return page


def plot_data(session: requests.Session, url: str, page: str) -> None:
    """Fetch the data of the interactive plots on ``page`` (loaded from ``url``), as its script does."""
    origin = "/".join(url.split("/", 3)[:3])
    for path in PLOT_DATA.findall(page):
        assert session.get(origin + path).status_code == 200, path
