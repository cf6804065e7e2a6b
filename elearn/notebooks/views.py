"""Exercise pages: the notebook with editable solution cells; Save, Run and Submit; results."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from elearn.auth.access import requires
from elearn.auth.models import Role
from elearn.courses.models import Course
from elearn.db import db
from elearn.notebooks.models import NotebookExercise, NotebookSubmission, SubmissionKind
from elearn.notebooks.submissions import (
    SubmissionError,
    create_submission,
    editable_cells,
    latest_answers,
    save_draft,
    student_notebook,
)
from elearn.notebooks.tasks import run_submission
from elearn.wiki.markup import Links, render

blueprint = Blueprint("notebooks", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static/notebooks")  # fmt: skip
RESULT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; sandbox"
NO_LINKS = Links(outlines={}, page_url=lambda slug: "#", asset_url=lambda name: None)


def _exercise(course_slug: str, slug: str) -> NotebookExercise:
    exercise = db().scalar(
        select(NotebookExercise).join(Course).where(Course.slug == course_slug, NotebookExercise.slug == slug)
    )
    if exercise is None:
        abort(404, f"There is no notebook exercise {slug!r} in course {course_slug!r}.")
    return exercise


def _submission(exercise: NotebookExercise, submission_id: int) -> NotebookSubmission:
    submission = db().get(NotebookSubmission, submission_id)
    if submission is None or submission.exercise_id != exercise.id:
        abort(404)
    if submission.user_id != g.user.id and not g.user.role.includes(Role.TEACHER):
        abort(404)
    return submission


def _cells(exercise: NotebookExercise, answers: dict[str, str]) -> list[dict[str, object]]:
    """The student copy as view data: Markdown rendered, code cells editable or read-only."""
    notebook = student_notebook(exercise)
    editable = set(editable_cells(notebook))
    cells = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in editable:
            source = answers.get(grade_id, cell.source)
            cells.append({"kind": "answer", "source": source, "index": index, "grade_id": grade_id,
                          "language": "markdown" if cell.cell_type == "markdown" else "python",
                          "rows": max(4, min(30, source.count("\n") + 2))})  # fmt: skip
        elif cell.cell_type == "markdown":
            html = render(cell.source, title="", slug="", links=NO_LINKS).html
            cells.append({"kind": "markdown", "html": html, "index": index})
        elif cell.cell_type == "code":
            points = meta.get("points") if meta.get("grade") else None
            cells.append({"kind": "code", "source": cell.source, "grade_id": grade_id, "points": points})
    return cells


@blueprint.route("/courses/<course_slug>/notebooks/<slug>", methods=["GET", "POST"])
@requires(Role.STUDENT)
def exercise(course_slug: str, slug: str) -> str | Response:
    exercise = _exercise(course_slug, slug)
    session = db()
    if request.method == "POST":
        answers = {key[7:]: value for key, value in request.form.items() if key.startswith("answer:")}
        action = request.form.get("action", "save")
        try:
            if action == "save":
                save_draft(session, exercise, g.user.id, answers)
                session.commit()
                flash("Saved.", "info")
                return redirect(url_for("notebooks.exercise", course_slug=course_slug, slug=slug))  # type: ignore[return-value]
            kind = SubmissionKind.SUBMIT if action == "submit" else SubmissionKind.RUN
            submission = create_submission(session, exercise, g.user.id, answers, kind)
        except SubmissionError as error:
            session.rollback()
            flash(str(error), "error")
            return redirect(url_for("notebooks.exercise", course_slug=course_slug, slug=slug))  # type: ignore[return-value]
        session.commit()
        run_submission(submission.id)
        return redirect(url_for("notebooks.submission", course_slug=course_slug, slug=slug,
                                submission_id=submission.id))  # type: ignore[return-value]  # fmt: skip
    mine = session.scalars(
        select(NotebookSubmission)
        .where(NotebookSubmission.exercise_id == exercise.id, NotebookSubmission.user_id == g.user.id)
        .order_by(NotebookSubmission.id.desc())
        .limit(20)
    ).all()
    return render_template("notebooks/exercise.html", exercise=exercise, submissions=mine,
                           cells=_cells(exercise, latest_answers(session, exercise, g.user.id)))  # fmt: skip


@blueprint.route("/courses/<course_slug>/notebooks/<slug>/submissions/<int:submission_id>")
@requires(Role.STUDENT)
def submission(course_slug: str, slug: str, submission_id: int) -> str:
    exercise = _exercise(course_slug, slug)
    return render_template("notebooks/submission.html", exercise=exercise,
                           submission=_submission(exercise, submission_id))  # fmt: skip


@blueprint.route("/courses/<course_slug>/notebooks/<slug>/submissions/<int:submission_id>/status")
@requires(Role.STUDENT)
def status(course_slug: str, slug: str, submission_id: int) -> Response:
    found = _submission(_exercise(course_slug, slug), submission_id)
    return jsonify(status=found.status.value, finished=found.status.finished)


@blueprint.route("/courses/<course_slug>/notebooks/<slug>/submissions/<int:submission_id>/result")
@requires(Role.STUDENT)
def result(course_slug: str, slug: str, submission_id: int) -> Response:
    """The executed notebook; student output may hold any HTML, so it runs in a sandbox with no script."""
    found = _submission(_exercise(course_slug, slug), submission_id)
    response = Response(found.result_html or "<p>No output yet.</p>", mimetype="text/html")
    response.headers["Content-Security-Policy"] = RESULT_POLICY
    return response


@blueprint.route("/courses/<course_slug>/notebooks/<slug>/download")
@requires(Role.STUDENT)
def download(course_slug: str, slug: str) -> Response:
    exercise = _exercise(course_slug, slug)
    disposition = f'attachment; filename="{exercise.slug}.ipynb"'
    return Response(exercise.student_notebook, mimetype="application/x-ipynb+json",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@blueprint.route("/courses/<course_slug>/notebooks/<slug>/all")
@requires(Role.TEACHER)
def all_submissions(course_slug: str, slug: str) -> str:
    exercise = _exercise(course_slug, slug)
    rows = db().scalars(
        select(NotebookSubmission).where(NotebookSubmission.exercise_id == exercise.id,
                                         NotebookSubmission.kind == SubmissionKind.SUBMIT)
        .order_by(NotebookSubmission.id.desc())
    ).all()  # fmt: skip
    return render_template("notebooks/all.html", exercise=exercise, submissions=rows,
                           settings=current_app.config["ELEARN_SETTINGS"])  # fmt: skip
