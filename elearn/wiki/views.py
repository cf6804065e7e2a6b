"""Theory pages: read, search, and (teachers) edit with preview, history, diff and revert."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from elearn.auth.access import public, requires
from elearn.auth.models import Role
from elearn.courses.services import course_outline
from elearn.db import db
from elearn.wiki.models import Page, PageRevision
from elearn.wiki.pages import (
    WikiError,
    course_page,
    current_revisions,
    diff_revisions,
    preview_page,
    revert_page,
    save_page,
)
from elearn.wiki.search import search_pages

blueprint = Blueprint("wiki", __name__)


def _page(course_slug: str, page_slug: str) -> Page:
    page = course_page(db(), course_slug, page_slug)
    if page is None:
        abort(404, f"There is no page {page_slug!r} in course {course_slug!r}.")
    return page


def _revision(page: Page, number: int) -> PageRevision:
    revision = db().scalar(
        select(PageRevision).where(PageRevision.page_id == page.id, PageRevision.number == number)
    )
    if revision is None:
        abort(404, f"Page {page.title!r} has no revision {number}.")
    return revision


@blueprint.route("/courses/<course_slug>/pages/<page_slug>")
@public
def page(course_slug: str, page_slug: str) -> str:
    page = _page(course_slug, page_slug)
    outline = course_outline(db(), course_slug)
    assert outline is not None
    before, after = outline.neighbours(page_slug)
    return render_template("wiki/page.html", page=page, outline=outline, before=before, after=after)


@blueprint.route("/courses/<course_slug>/pages/<page_slug>/edit", methods=["GET", "POST"])
@requires(Role.TEACHER)
def edit(course_slug: str, page_slug: str) -> str | Response:
    page = _page(course_slug, page_slug)
    session = db()
    current = current_revisions(session, page.course_id)[page.id]
    form = {"title": current.title, "body": current.body, "message": "", "base": current.number}
    problems, preview, failed = [], None, False
    if request.method == "POST":
        form = {
            "title": request.form.get("title", ""),
            "body": request.form.get("body", "").replace("\r\n", "\n"),
            "message": request.form.get("message", ""),
            "base": request.form.get("base", type=int) or 0,
        }
        if "preview" in request.form:
            preview = preview_page(session, page, title=form["title"], body=form["body"])
            problems = preview.problems
        else:
            try:
                revision = save_page(
                    session,
                    page,
                    title=form["title"],
                    body=form["body"],
                    author_id=g.user.id,
                    message=form["message"],
                    base_number=form["base"],
                )
            except WikiError as error:
                session.rollback()
                flash(str(error), "error")
                problems, failed = error.problems, True
            else:
                session.commit()
                flash(f"Saved revision {revision.number}." if revision else "No changes to save.", "info")
                return redirect(url_for("wiki.page", course_slug=course_slug, page_slug=page_slug))
    html = render_template("wiki/edit.html", page=page, form=form, problems=problems, preview=preview)
    return (html, 400) if failed else html  # type: ignore[return-value]


@blueprint.route("/courses/<course_slug>/pages/<page_slug>/history")
@requires(Role.TEACHER)
def history(course_slug: str, page_slug: str) -> str:
    page = _page(course_slug, page_slug)
    return render_template("wiki/history.html", page=page, revisions=list(reversed(page.revisions)))


@blueprint.route("/courses/<course_slug>/pages/<page_slug>/revisions/<int:number>")
@requires(Role.TEACHER)
def revision(course_slug: str, page_slug: str, number: int) -> str:
    page = _page(course_slug, page_slug)
    return render_template("wiki/revision.html", page=page, revision=_revision(page, number))


@blueprint.route("/courses/<course_slug>/pages/<page_slug>/diff")
@requires(Role.TEACHER)
def diff(course_slug: str, page_slug: str) -> str:
    page = _page(course_slug, page_slug)
    old = _revision(page, request.args.get("from", type=int) or 0)
    new = _revision(page, request.args.get("to", type=int) or 0)
    return render_template("wiki/diff.html", page=page, old=old, new=new, lines=diff_revisions(old, new))


@blueprint.route("/courses/<course_slug>/pages/<page_slug>/revert/<int:number>", methods=["POST"])
@requires(Role.TEACHER)
def revert(course_slug: str, page_slug: str, number: int) -> Response:
    page = _page(course_slug, page_slug)
    session = db()
    try:
        revision = revert_page(session, page, number, g.user.id)
    except WikiError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("wiki.history", course_slug=course_slug, page_slug=page_slug))
    session.commit()
    flash(f"Reverted to revision {number}." if revision else "That revision is already current.", "info")
    return redirect(url_for("wiki.page", course_slug=course_slug, page_slug=page_slug))


@blueprint.route("/search")
@public
def search() -> str:
    query = request.args.get("q", "").strip()[:200]
    hits = search_pages(db(), query) if query else []
    return render_template("wiki/search.html", query=query, hits=hits)
