"""Sign-up, sign-in, sign-out, and the admin's list of accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from elearn.auth.access import public, requires, sign_in, sign_out
from elearn.auth.models import Role, User
from elearn.auth.services import AccountError, authenticate, create_user, set_role
from elearn.db import db

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("courses.index")


@blueprint.route("/auth/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    if request.method == "POST":
        user = authenticate(db(), request.form.get("email", ""), request.form.get("password", ""))
        if user is not None:
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong e-mail address or password.", "error")
        return render_template("auth/login.html", email=request.form.get("email", "")), 401  # type: ignore[return-value]
    return render_template("auth/login.html", email="")


@blueprint.route("/auth/signup", methods=["GET", "POST"])
@public
def signup() -> str | Response:
    form = {"email": request.form.get("email", ""), "name": request.form.get("name", "")}
    if request.method == "POST":
        session = db()
        try:
            user = create_user(
                session, email=form["email"], name=form["name"], password=request.form.get("password", "")
            )
        except AccountError as error:
            session.rollback()
            flash(str(error), "error")
            return render_template("auth/signup.html", form=form), 400  # type: ignore[return-value]
        session.commit()
        sign_in(user)
        flash(f"Welcome, {user.name}!", "info")
        return redirect(url_for("courses.index"))
    return render_template("auth/signup.html", form=form)


@blueprint.route("/auth/logout", methods=["POST"])
@public
def logout() -> Response:
    sign_out()
    return redirect(url_for("courses.index"))


@blueprint.route("/admin/users")
@requires(Role.ADMIN)
def users() -> str:
    accounts = db().scalars(select(User).order_by(User.created_at)).all()
    return render_template("auth/users.html", users=accounts, roles=list(Role))


@blueprint.route("/admin/users/<int:user_id>/role", methods=["POST"])
@requires(Role.ADMIN)
def change_role(user_id: int) -> Response:
    session = db()
    try:
        role = Role(request.form.get("role", ""))
        if user_id == g.user.id and role != Role.ADMIN:
            raise AccountError("You cannot remove your own admin role.")
        user = set_role(session, user_id, role)
    except (AccountError, ValueError) as error:
        flash(str(error), "error")
        return redirect(url_for("auth.users"))
    session.commit()
    flash(f"{user.name} is now {role.value}.", "info")
    return redirect(url_for("auth.users"))
