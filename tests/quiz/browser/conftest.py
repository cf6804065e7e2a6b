"""A quiz-enabled live server (see live_quiz_server.py) and a student signed in through Chromium."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import _free_port

SERVER = Path(__file__).parent / "live_quiz_server.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/quiz/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def quiz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    instance = tmp_path_factory.mktemp("quiz-live") / "instance"
    log = instance.parent / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, str(SERVER), str(port), str(instance)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
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
            pytest.fail(f"the quiz server did not start:\n{log.read_text()}")
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def student_page(browser, quiz_server: str) -> Iterator[object]:
    context = browser.new_context(base_url=quiz_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill("student@example.org")
    page.get_by_label("Password").fill("student password 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    yield page
    context.close()
