"""The ``elearn`` command line for operators, teachers and scripts."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from elearn import create_app
from elearn.auth.models import Role, User
from elearn.auth.services import AccountError, create_user
from elearn.config import Settings, SettingsError
from elearn.courses.content import ContentError
from elearn.courses.importer import check_course, import_course
from elearn.courses.models import Course
from elearn.db import database
from elearn.db.migrate import upgrade
from elearn.lti.cli import lti as lti_group
from elearn.notebooks.cli import notebooks as notebooks_group
from elearn.sim.cli import sim as sim_group


@click.group()
def main() -> None:
    """elearn: theory wiki, quizzes, simulations and notebooks for scattering science."""


def _app() -> Flask:
    try:
        return create_app(Settings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


main.add_command(sim_group)
main.add_command(notebooks_group)
main.add_command(lti_group)


@main.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create the schema or upgrade it to the newest revision."""
    with _app().app_context():
        upgrade(database().engine)
    click.echo("Database is up to date.")


@main.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default="student", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Read from a prompt when not given.",
)
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create a local account (e.g. the first admin: --role admin)."""
    with _app().app_context():
        session = database().sessions()
        try:
            user = create_user(session, email=email, name=name, password=password, role=Role(role))
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
        click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@main.group("courses")
def courses_group() -> None:
    """Course content folders."""


@courses_group.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def courses_check(path: Path) -> None:
    """Validate a course folder without importing it."""
    try:
        source, _ = check_course(path)
    except ContentError as error:
        raise click.ClickException(f"{len(error.problems)} problem(s):\n{error}") from error
    click.echo(
        f"{source.slug}: {len(source.modules)} modules, {len(source.pages)} pages, "
        f"{len(source.assets)} figures: all valid."
    )


@courses_group.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def courses_import(path: Path) -> None:
    """Validate and import (or re-import) a course folder: all or nothing."""
    with _app().app_context():
        session = database().sessions()
        try:
            report = import_course(session, path)
        except ContentError as error:
            session.rollback()
            raise click.ClickException(
                f"nothing imported; {len(error.problems)} problem(s):\n{error}"
            ) from error
        session.commit()
    for line in report.lines():
        click.echo(line)


@main.command("worker")
@click.option("--workers", default=2, show_default=True, help="Concurrent jobs.")
def worker(workers: int) -> None:
    """Run the job worker (started by `elearn serve`; run more on other machines in Redis mode)."""
    from elearn.jobs import queue
    from elearn.notebooks.submissions import warm_up

    app = _app()  # binds the queue to its storage and the tasks to the database
    click.echo(warm_up(app.config["ELEARN_SETTINGS"]), err=True)
    # poll the queue at least every 0.25 s: a student waits for the result of a short run
    queue.create_consumer(
        workers=workers, worker_type="thread", initial_delay=0.05, backoff=1.2, max_delay=0.25
    ).run()


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Upgrade the database, import the demo course on first start, run web server and worker."""
    from waitress import serve as waitress_serve

    app = _app()
    settings: Settings = app.config["ELEARN_SETTINGS"]
    with app.app_context():
        upgrade(database().engine)
        _import_demo_course(settings)
        _hint_first_admin()
    worker_process = subprocess.Popen([sys.executable, "-m", "elearn", "worker"], preexec_fn=_die_with_parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the worker too on `kill`
    click.echo(f"elearn is running on http://{host}:{port}/ (Ctrl+C stops it)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="elearn")
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=30)


def _die_with_parent() -> None:
    """Linux: the worker gets SIGTERM if `elearn serve` dies without cleaning up."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _hint_first_admin() -> None:
    with database().sessions() as session:
        if session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is None:
            click.echo("No admin account yet: create one with `.venv/bin/elearn users create --role admin`")


def _import_demo_course(settings: Settings) -> None:
    session = database().sessions()
    if settings.demo_course is None or session.scalar(select(Course.id).limit(1)) is not None:
        session.close()
        return
    try:
        report = import_course(session, settings.demo_course)
    except ContentError as error:
        session.rollback()
        raise click.ClickException(f"the demo course has problems:\n{error}") from error
    session.commit()
    for line in report.lines():
        click.echo(line)
