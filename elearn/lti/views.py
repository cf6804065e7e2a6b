"""LTI endpoints that platforms call: login, launch (1.3 and 1.1), JWKS, registration.

The login and launch POSTs come from the platform, not from our forms: they are exempt from
CSRF and protected instead by the OIDC state and nonce, the JWT signature (1.3) or the OAuth
signature (1.1).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from elearn.auth.access import public, sign_in
from elearn.auth.models import Role, User
from elearn.db import db
from elearn.db.types import utcnow
from elearn.lti import claims as c
from elearn.lti import keys, lti11
from elearn.lti.deep_linking import deep_linking_response, picker
from elearn.lti.embedding import origin, with_frame_ancestors
from elearn.lti.errors import LtiError
from elearn.lti.launch import LaunchMessage, begin_login, validate_launch
from elearn.lti.links import GradeEndpoint, admit, link_context
from elearn.lti.models import LtiContext, Platform
from elearn.lti.nonces import use_nonce
from elearn.lti.registration import ToolUrls, register_dynamically, tool_configuration
from elearn.lti.roles import map_roles
from elearn.web import CONTENT_SECURITY_POLICY, csrf

blueprint = Blueprint("lti", __name__, template_folder="templates")
log = logging.getLogger(__name__)
STATE_COOKIE = "elearn_lti_state_"
TICKET_AGE = 300  # s a "continue in a new window" link stays valid
REGISTRATION_AGE = 7 * 86400  # s a dynamic registration URL stays valid


def _secret() -> str:
    return current_app.config["ELEARN_SETTINGS"].secret_key  # type: ignore[no-any-return]


def _urls() -> ToolUrls:
    return ToolUrls(
        login=url_for("lti.login", _external=True),
        launch=url_for("lti.launch", _external=True),
        jwks=url_for("lti.jwks", _external=True),
        lti11_launch=url_for("lti.launch_lti11", _external=True),
    )


def _refusal(error: LtiError) -> tuple[str, int]:
    """Refuse a launch with the reason (never the token) logged and shown."""
    status = error.status if 400 <= error.status < 600 else 400
    log.warning("LTI refused (%s): %s", status, error)
    return render_template("lti/refused.html", message=str(error)), status


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(), salt=f"elearn-lti-{purpose}")


@blueprint.route("/lti/login", methods=["GET", "POST"])
@public
def login() -> Response | tuple[str, int]:
    """OIDC login initiation: remember state and nonce, send the browser back to the platform."""
    params = {k: v for k, v in request.values.items()}
    try:
        target = begin_login(db(), params, url_for("lti.launch", _external=True), utcnow())
    except LtiError as error:
        db().rollback()
        return _refusal(error)
    db().commit()
    response = redirect(target.url)
    settings = current_app.config["ELEARN_SETTINGS"]
    response.set_cookie(
        STATE_COOKIE + target.state[:16],
        target.state,
        max_age=600,
        path="/lti/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="None" if settings.cookie_secure else "Lax",
    )
    return response


@blueprint.route("/lti/launch", methods=["POST"])
@public
def launch() -> Response | tuple[str, int] | str:
    """The platform's id_token arrives: validate it, then deep link or enter the activity."""
    session, now = db(), utcnow()
    state = request.form.get("state", "")
    try:
        message = validate_launch(session, request.form.get("id_token", ""), state, now)
        platform = session.get(Platform, message.platform_id)
        assert platform is not None
        context = None
        if message.context_id:
            context = link_context(
                session,
                issuer=message.issuer,
                context_id=message.context_id,
                title=message.context_title,
                platform_id=platform.id,
                memberships_url=message.memberships_url,
            )
        if message.message_type == c.DEEP_LINKING_REQUEST:
            return _deep_linking(platform, message, context.course_slug if context else None)
        endpoint = None
        if message.lineitem_url:
            endpoint = GradeEndpoint(message.lineitem_url, message.subject, platform_id=platform.id)
        user, activity = admit(session, issuer=message.issuer, subject=message.subject, name=message.name,
                               email=message.email, roles=message.roles, custom=message.custom,
                               context=context, endpoint=endpoint)  # fmt: skip
        destination = _destination(activity.path if activity else None, context)
        session.commit()
    except LtiError as error:
        session.rollback()
        return _refusal(error)
    cookies_kept = request.cookies.get(STATE_COOKIE + state[:16]) == state
    return _enter(user, destination, cookies_kept)


def _deep_linking(platform: Platform, message: LaunchMessage, course_slug: str | None) -> Response:
    if map_roles(message.roles) == Role.STUDENT:
        raise LtiError("Only teachers can add elearn activities to a course.", status=403)
    now = utcnow()
    courses = picker(
        db(), _secret(), platform, message, url_for("lti.launch", _external=True), now, course_slug
    )
    cancel = deep_linking_response(db(), _secret(), platform, message, [], now)
    db().commit()
    page = render_template(
        "lti/picker.html", courses=courses, cancel=cancel, return_url=message.deep_link_return_url
    )
    response = make_response(page)
    return_origin = origin(message.deep_link_return_url) or ""
    policy = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {return_origin}"
    )
    response.headers["Content-Security-Policy"] = with_frame_ancestors(
        policy, [origin(platform.issuer) or ""]
    )
    return response


def _destination(path: str | None, context: LtiContext | None) -> str:
    if path:
        return path
    if context is not None and context.course_slug:
        return url_for("courses.course", slug=context.course_slug)
    return url_for("courses.index")


def _enter(user: User, destination: str, cookies_kept: bool) -> Response | str:
    """Sign in and go; without cookies (blocked in the iframe) offer a one-time link instead."""
    sign_in(user)
    if cookies_kept:
        return redirect(destination)
    ticket = _serializer("continue").dumps(
        {"u": user.id, "p": destination, "n": secrets.token_urlsafe(16)}
    )
    return render_template(
        "lti/new_window.html", link=url_for("lti.continue_launch", ticket=ticket)
    )


@blueprint.route("/lti/continue/<ticket>")
@public
def continue_launch(ticket: str) -> Response | tuple[str, int]:
    """Sign in at top level with a one-time ticket from a launch whose cookies were blocked."""
    session = db()
    try:
        data = _serializer("continue").loads(ticket, max_age=TICKET_AGE)
        use_nonce(session, "continue", str(data["n"]), utcnow() + timedelta(seconds=TICKET_AGE))
        user = session.get(User, int(data["u"]))
        if user is None or not user.active:
            raise LtiError("This account no longer exists or is disabled.", status=403)
    except BadData:
        return _refusal(
            LtiError("This link expired: launch the activity again from the platform.", status=403)
        )
    except LtiError as error:
        session.rollback()
        return _refusal(error)
    session.commit()
    sign_in(user)
    path = str(data["p"])
    return redirect(path if path.startswith("/") and not path.startswith("//") else "/")


@blueprint.route("/lti/1.1/launch", methods=["POST"])
@public
def launch_lti11() -> Response | tuple[str, int] | str:
    """An LTI 1.1 basic launch, signed with OAuth1 HMAC-SHA1."""
    session, now = db(), utcnow()
    try:
        message = lti11.validate_launch(
            session, request.url, list(request.form.items(multi=True)), now
        )
        context = None
        if message.context_id:
            context = link_context(session, issuer=message.issuer, context_id=message.context_id,
                                   title=message.context_title)  # fmt: skip
        endpoint = None
        if message.outcome_url and message.sourcedid:
            endpoint = GradeEndpoint(message.outcome_url, message.sourcedid, consumer_id=message.consumer_id)
        user, activity = admit(session, issuer=message.issuer, subject=message.user_id, name=message.name,
                               email=message.email, roles=message.roles, custom=message.custom,
                               context=context, endpoint=endpoint)  # fmt: skip
        destination = _destination(activity.path if activity else None, context)
        session.commit()
    except LtiError as error:
        session.rollback()
        return _refusal(error)
    return _enter(user, destination, cookies_kept=True)


@blueprint.route("/lti/jwks")
@public
def jwks() -> Response:
    """Our public keys; platforms verify deep linking responses and token requests with them."""
    response = jsonify(keys.jwks(db()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blueprint.route("/lti/config.json")
@public
def config() -> Response:
    """Our registration values (URLs, scopes, messages) as JSON, for manual registration."""
    return jsonify(tool_configuration(_urls()))


@blueprint.route("/lti/register/<token>")
@public
def register(token: str) -> tuple[str, int] | str:
    """LTI Dynamic Registration: the URL an admin pastes into Moodle (made by the CLI)."""
    session = db()
    try:
        _serializer("register").loads(token, max_age=REGISTRATION_AGE)
    except BadData:
        return _refusal(
            LtiError("This registration URL expired or is wrong: make a new one.", status=403)
        )
    configuration = request.args.get("openid_configuration", "")
    if not configuration:
        return render_template("lti/register.html", url=request.url)
    try:
        use_nonce(session, "register", token[-64:], utcnow() + timedelta(seconds=REGISTRATION_AGE))
        platform = register_dynamically(
            session, configuration, request.args.get("registration_token", ""), _urls()
        )
        if not keys.published_keys(session):
            keys.generate_key(session, _secret())
    except LtiError as error:
        session.rollback()
        return _refusal(error)
    session.commit()
    current_app.extensions["elearn.lti.origins"].clear()  # may frame us from now on
    return render_template("lti/registered.html", platform=platform)


@blueprint.route("/lti/close.js")
@public
def close_script() -> Response:
    """Tells Moodle's registration dialog that we are done (LTI Dynamic Registration 1.0)."""
    script = (
        "(window.opener || window.parent).postMessage({subject: 'org.imsglobal.lti.close'}, '*');\n"
    )
    return Response(script, mimetype="text/javascript")


csrf.exempt(login)
csrf.exempt(launch)
csrf.exempt(launch_lti11)
