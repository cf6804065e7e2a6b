"""A real server (``elearn serve`` in a subprocess) and headless Debian Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).parents[2]
TEACHER = ("teacher@example.org", "teacher password 1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]

    def elearn(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "elearn", *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@contextmanager
def running_server(command: list[str], port: int, env: dict[str, str] | None, log: Path) -> Iterator[str]:
    """Start a web server process, wait until it answers, yield its URL, stop it afterwards."""
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{' '.join(command[1:])} did not start:\n{log.read_text()}")
        time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``elearn serve`` on a free port with its own instance folder and the mini course."""
    port = _free_port()
    env = {
        **os.environ,
        "ELEARN_INSTANCE_PATH": str(tmp_path_factory.mktemp("live") / "instance"),
        "ELEARN_DEMO_COURSE": str(ROOT / "tests" / "data" / "courses" / "mini"),
    }
    env.pop("ELEARN_DATABASE_URL", None)
    log = Path(env["ELEARN_INSTANCE_PATH"]).parent / "serve.log"
    command = [sys.executable, "-m", "elearn", "serve", "--port", str(port)]
    with running_server(command, port, env, log) as url:
        server = LiveServer(url, env)
        server.elearn(
            "users",
            "create",
            "--email",
            TEACHER[0],
            "--name",
            "Tess Teacher",
            "--role",
            "teacher",
            "--password",
            TEACHER[1],
        )
        yield server


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, email: str = TEACHER[0], password: str = TEACHER[1]) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
