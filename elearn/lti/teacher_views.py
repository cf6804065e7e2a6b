"""The teachers' LTI pages: grades waiting for the platform, platform courses and rosters,
and the activity ids for hand-made LTI 1.1 links. Routes of the ``lti`` blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from elearn.activities import course_activities
from elearn.auth.access import requires
from elearn.auth.models import Role
from elearn.courses.models import Course
from elearn.db import db
from elearn.db.types import utcnow
from elearn.lti import outbox
from elearn.lti.errors import LtiError
from elearn.lti.links import activity_custom
from elearn.lti.models import LtiContext
from elearn.lti.nrps import roster
from elearn.lti.views import blueprint


@blueprint.route("/lti/passbacks")
@requires(Role.TEACHER)
def passbacks() -> str:
    """Pending and failed grade sends, with a retry button."""
    return render_template("lti/passbacks.html", rows=outbox.open_passbacks(db()))


@blueprint.route("/lti/passbacks/<int:passback_id>/retry", methods=["POST"])
@requires(Role.TEACHER)
def retry(passback_id: int) -> Response:
    from elearn.lti.jobs import send_passback

    try:
        outbox.retry_passback(db(), passback_id, utcnow())
    except LtiError as error:
        flash(str(error), "error")
        return redirect(url_for("lti.passbacks"))
    db().commit()
    send_passback(passback_id)
    flash("The score is queued to be sent again.", "info")
    return redirect(url_for("lti.passbacks"))


@blueprint.route("/lti/activities")
@requires(Role.TEACHER)
def activity_ids() -> str:
    """Every activity with the custom parameters that name it (for LTI 1.1 links by hand)."""
    courses = db().scalars(select(Course).order_by(Course.title)).all()
    listing = [(course, course_activities(db(), course.slug)) for course in courses]
    return render_template("lti/activities.html", listing=listing, custom=activity_custom)


@blueprint.route("/lti/contexts")
@requires(Role.TEACHER)
def contexts() -> str:
    """Platform courses that launched us, with their rosters."""
    rows = db().scalars(select(LtiContext).order_by(LtiContext.title)).all()
    return render_template("lti/contexts.html", contexts=rows)


@blueprint.route("/lti/contexts/<int:context_id>")
@requires(Role.TEACHER)
def context_roster(context_id: int) -> str | tuple[str, int]:
    context = db().get(LtiContext, context_id)
    if context is None:
        return render_template("lti/refused.html", message="There is no such course."), 404
    members = roster(db(), context.id)
    return render_template("lti/roster.html", context=context, members=members)


@blueprint.route("/lti/contexts/<int:context_id>/sync", methods=["POST"])
@requires(Role.TEACHER)
def sync(context_id: int) -> Response:
    """Queue a roster sync (Names and Role Provisioning Services)."""
    from elearn.lti.jobs import sync_roster_job

    db().commit()  # end our transaction before the job takes over (immediate mode runs it here)
    sync_roster_job(context_id)
    flash("The roster is being synchronised; reload in a moment.", "info")
    return redirect(url_for("lti.context_roster", context_id=context_id))
