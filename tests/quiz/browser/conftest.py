"""A quiz-enabled live server (see live_quiz_server.py) and a student signed in through Chromium."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port, running_server

SERVER = Path(__file__).parent / "live_quiz_server.py"
_instances: dict[str, Path] = {}


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
        _instances[url] = instance
        yield url


@pytest.fixture
def quiz_instance(quiz_server: str) -> Path:
    """The live server's instance folder (its course folder is ``mini`` in it)."""
    return _instances[quiz_server]


def _signed_in(browser, url: str, email: str, password: str):
    context = browser.new_context(base_url=url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


@pytest.fixture
def student_page(browser, quiz_server: str) -> Iterator[object]:
    context, page = _signed_in(browser, quiz_server, "student@example.org", "student password 1")
    yield page
    context.close()


@pytest.fixture
def teacher_page(browser, quiz_server: str) -> Iterator[object]:
    context, page = _signed_in(browser, quiz_server, "teacher@example.org", "teacher password 1")
    yield page
    context.close()
