"""The course list, a course's module overview, and the files (figures) a course ships."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from elearn.activities import Activity, course_activities
from elearn.auth.access import public
from elearn.courses.models import Course, CourseAsset
from elearn.courses.services import course_outline
from elearn.db import db

blueprint = Blueprint("courses", __name__)


@blueprint.route("/")
@public
def index() -> str:
    courses = db().scalars(select(Course).order_by(Course.title)).all()
    return render_template("courses/index.html", courses=courses)


@blueprint.route("/courses/<slug>")
@public
def course(slug: str) -> str:
    outline = course_outline(db(), slug)
    if outline is None:
        abort(404, f"There is no course {slug!r}.")
    by_module: dict[str, list[Activity]] = {}
    for activity in course_activities(db(), slug):
        if activity.ref.kind != "page":
            by_module.setdefault(activity.module, []).append(activity)
    return render_template("courses/course.html", outline=outline, activities=by_module)


@blueprint.route("/courses/<slug>/figures/<path:name>")
@public
def asset(slug: str, name: str) -> Response:
    row = db().scalar(
        select(CourseAsset).join(Course).where(Course.slug == slug, CourseAsset.name == f"figures/{name}")
    )
    if row is None:
        abort(404)
    response = Response(row.content, mimetype=row.media_type)
    response.set_etag(row.sha256)
    response.headers["Cache-Control"] = "public, max-age=3600"
    if row.media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response.make_conditional(request)
