"""``elearn notebooks ...``: grade, check and make student copies from the command line,
through the same sandboxed path as the web pages."""

from __future__ import annotations

import json
import sys

import click
import nbformat

from elearn.notebooks.errors import NotebookError, SandboxError
from elearn.notebooks.exercise import read_exercise
from elearn.notebooks.grade import GradeReport, check_exercise, grade_submission
from elearn.notebooks.sandbox import SandboxLimits
from elearn.notebooks.transform import make_student_copy


def limits_option(func):
    func = click.option("--wall-time", type=float, default=SandboxLimits.wall_time,
                        show_default=True, help="Seconds for the whole notebook.")(func)
    func = click.option("--allow-weak-isolation", is_flag=True,
                        help="Run even without bubblewrap (rlimits only; not for "
                             "untrusted notebooks).")(func)
    return func


def _limits(wall_time: float, allow_weak_isolation: bool) -> SandboxLimits:
    return SandboxLimits(wall_time=wall_time, allow_weak_isolation=allow_weak_isolation)


def _print_report(report: GradeReport) -> None:
    width = max([len(c.grade_id) for c in report.cells] + [4])
    for cell in report.cells:
        line = f"{cell.grade_id:<{width}}  {cell.points:>6g} / {cell.max_points:<6g} {cell.status}"
        if cell.error_name:
            line += f": {cell.error_name}: {cell.error_message}"
        click.echo(line)
    if report.message:
        click.echo(f"note: {report.message}")
    click.echo(f"{'total':<{width}}  {report.score:>6g} / {report.max_score:g}")


@click.group("notebooks")
def notebooks() -> None:
    """Notebook exercises (nbgrader format)."""


@notebooks.command("grade")
@click.argument("exercise", type=click.Path(dir_okay=False))
@click.argument("submission", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@limits_option
def grade_command(exercise, submission, as_json, wall_time, allow_weak_isolation) -> None:
    """Grade SUBMISSION against EXERCISE; print the score per test cell and the total."""
    try:
        report = grade_submission(exercise, submission, _limits(wall_time, allow_weak_isolation))
    except (NotebookError, SandboxError) as exc:
        raise click.ClickException(f"cannot grade: {exc}") from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)


@notebooks.command("check")
@click.argument("exercise", type=click.Path(dir_okay=False))
@limits_option
def check_command(exercise, wall_time, allow_weak_isolation) -> None:
    """Run EXERCISE's reference solution; fail unless it earns full marks."""
    try:
        report = check_exercise(exercise, _limits(wall_time, allow_weak_isolation))
    except (NotebookError, SandboxError) as exc:
        raise click.ClickException(str(exc)) from None
    _print_report(report)
    click.echo("ok: the reference solution earns full marks")


@notebooks.command("student-copy")
@click.argument("exercise", type=click.Path(dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def student_copy_command(exercise, out) -> None:
    """Write the student version of EXERCISE (solutions stubbed, hidden tests removed)."""
    try:
        nb = make_student_copy(read_exercise(exercise))
    except NotebookError as exc:
        raise click.ClickException(str(exc)) from None
    nbformat.write(nb, out)
    click.echo(f"wrote {out}", file=sys.stderr)
