"""The operator's command line, run as a user runs it: a subprocess with ELEARN_* variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MINI = Path(__file__).parent / "data" / "courses" / "mini"


def elearn(
    tmp_path: Path, *args: str, stdin: str = "", database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("ELEARN_DATABASE_URL", None)
    if database_url:
        env["ELEARN_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "elearn", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_courses_check_accepts_a_valid_course(tmp_path: Path) -> None:
    result = elearn(tmp_path, "courses", "check", str(MINI))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mini: 2 modules, 3 pages, 1 figures: all valid."


def test_courses_check_reports_file_and_line(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(MINI, tmp_path / "mini")
    page = tmp_path / "mini" / "pages" / "sans.md"
    page.write_text(page.read_text() + "\n[[Nowhere]]\n")
    result = elearn(tmp_path, "courses", "check", str(tmp_path / "mini"))
    assert result.returncode == 1
    assert "mini/pages/sans.md:7: broken link [[Nowhere]]" in result.stderr


def test_embedded_defaults_upgrade_import_and_create_admin(tmp_path: Path) -> None:
    assert elearn(tmp_path, "db", "upgrade").returncode == 0
    instance = tmp_path / "instance"
    assert (instance / "elearn.sqlite").exists()
    key = instance / "secret_key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text().strip()) >= 48
    first = elearn(tmp_path, "courses", "import", str(MINI))
    assert first.stdout.splitlines()[0] == "mini: 3 pages created, 0 updated, 0 unchanged"
    again = elearn(tmp_path, "courses", "import", str(MINI))
    assert again.stdout.splitlines()[0] == "mini: 0 pages created, 0 updated, 3 unchanged"
    created = elearn(
        tmp_path,
        "users",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "Boss",
        "--role",
        "admin",
        "--password",
        "a long admin password",
    )
    assert created.returncode == 0 and "Created admin boss@example.org" in created.stdout
    duplicate = elearn(
        tmp_path,
        "users",
        "create",
        "--email",
        "boss@example.org",
        "--name",
        "B",
        "--password",
        "another long password",
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr


def test_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    result = elearn(tmp_path, "db", "upgrade", database_url="mysql://nope")
    assert result.returncode == 1
    assert "ELEARN_DATABASE_URL must be a sqlite:/// or postgresql:// URL" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["courses", "--help"]])
def test_help_lists_commands(tmp_path: Path, args: list[str]) -> None:
    assert elearn(tmp_path, *args).returncode == 0
