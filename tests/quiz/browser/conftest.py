"""A quiz-enabled live server (see live_quiz_server.py) and a student signed in through Chromium."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port, running_server

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
    with running_server([sys.executable, str(SERVER), str(port), str(instance)], port, None, log) as url:
        yield url


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
