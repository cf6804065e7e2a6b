"""Quiz pages for teachers: correct a quiz's YAML in the browser, list and compare its versions."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from elearn.auth.access import requires
from elearn.auth.models import Role
from elearn.config import REPOSITORY
from elearn.db import db
from elearn.quiz.catalog import current_version
from elearn.quiz.editing import QuizEditError, save_quiz, version_diff
from elearn.quiz.models import QuizVersion
from elearn.quiz.views import _quiz_or_404, blueprint
from elearn.wiki.markup import Links, render


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/edit", methods=["GET", "POST"])
@requires(Role.TEACHER)
def edit(course_slug: str, quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    session = db()
    latest = current_version(session, quiz)
    form = {"source": latest.source, "note": "", "base": latest.number}
    problems, failed = [], False
    if request.method == "POST":
        form = {"source": request.form.get("source", ""), "note": request.form.get("note", ""),
                "base": request.form.get("base", type=int) or 0}  # fmt: skip
        try:
            version = save_quiz(session, quiz, form["source"], author_id=g.user.id, note=form["note"],
                                base_number=form["base"])  # fmt: skip
        except QuizEditError as error:
            session.rollback()
            flash(str(error), "error")
            problems, failed = error.problems, True
        else:
            if version is None:
                flash(f"No changes to save: the text is the same as version {latest.number}.", "info")
                return redirect(url_for("quiz.edit", course_slug=course_slug, quiz_slug=quiz_slug))
            session.commit()
            flash(f"Saved version {version.number}. Attempts on older versions keep their grades until you "
                  "regrade them: check the preview below and apply it.", "info")  # fmt: skip
            return redirect(url_for("quiz.regrade", course_slug=course_slug, quiz_slug=quiz_slug))
    html = render_template("quiz/edit.html", quiz=quiz, course_slug=course_slug, latest=latest, form=form,
                           problems=problems)  # fmt: skip
    return (html, 400) if failed else html


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/versions")
@requires(Role.TEACHER)
def versions(course_slug: str, quiz_slug: str) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    rows = db().scalars(
        select(QuizVersion).where(QuizVersion.quiz_id == quiz.id).options(selectinload(QuizVersion.author))
        .order_by(QuizVersion.number.desc())
    )  # fmt: skip
    return render_template("quiz/versions.html", quiz=quiz, course_slug=course_slug, versions=list(rows))


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/versions/<int:number>")
@requires(Role.TEACHER)
def version_changes(course_slug: str, quiz_slug: str, number: int) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    try:
        new, old, lines = version_diff(db(), quiz, number)
    except LookupError as error:
        abort(404, str(error))
    return render_template("quiz/version.html", quiz=quiz, course_slug=course_slug, new=new, old=old,
                           lines=lines)  # fmt: skip


@blueprint.route("/quiz/authoring-guide")
@requires(Role.TEACHER)
def authoring_guide() -> str:
    """docs/authoring-quizzes.md of the source checkout, for teachers writing in the editor."""
    guide = REPOSITORY / "docs" / "authoring-quizzes.md"
    if not guide.is_file():
        abort(404, "The authoring guide is in docs/authoring-quizzes.md of the elearn sources.")
    rendered = render(guide.read_text(encoding="utf-8"), title="Writing quizzes", slug="authoring-quizzes",
                      links=Links({}, lambda slug: "#", lambda name: None))  # fmt: skip
    return render_template("quiz/authoring_guide.html", html=rendered.html)
