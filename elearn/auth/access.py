"""Who may call which route: every view declares it, and undeclared views are refused.

``public`` views are open to anyone; ``requires(Role.X)`` needs a signed-in user with role X
or a higher one (student < teacher < admin). The check runs before every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from elearn.auth.models import Role, User
from elearn.db import db

View = TypeVar("View", bound=Callable[..., Any])
ANYONE = "anyone"


def public(view: View) -> View:
    view.access = ANYONE  # type: ignore[attr-defined]
    return view


def requires(role: Role) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        view.access = role  # type: ignore[attr-defined]
        return view

    return decorate


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.before_request(_enforce_access)
    app.context_processor(lambda: {"current_user": g.get("user"), "Role": Role})


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new session defeats fixation)."""
    session.clear()
    session["user_id"] = user.id
    session.permanent = True


def sign_out() -> None:
    session.clear()


def is_static(endpoint: str) -> bool:
    """Static files (the app's and blueprints') are public: CSS, scripts, images."""
    return endpoint == "static" or endpoint.endswith(".static")


def _load_user() -> None:
    user_id = session.get("user_id")
    user = db().get(User, user_id) if user_id is not None else None
    g.user = user if user is not None and user.active else None


def _enforce_access() -> Any:
    if request.endpoint is None or is_static(request.endpoint):
        return None
    view = current_app.view_functions[request.endpoint]
    access = getattr(view, "access", None)
    if access is None:
        current_app.logger.error("view %s declares no access rule: refused", request.endpoint)
        abort(403)
    if access == ANYONE:
        return None
    user: User | None = g.user
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not user.role.includes(access):
        abort(403, f"This page needs the {access.value} role.")
    return None
