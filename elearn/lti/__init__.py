"""LTI: Moodle (and other platforms) launch our activities and receive their grades.

LTI 1.3 Advantage (OIDC launch, Deep Linking, Assignment and Grade Services, Names and Role
Provisioning) and LTI 1.1 (OAuth1 launch, Basic Outcomes). Message checks, keys, role mapping
and the passback outbox are plain modules; ``views`` is the thin Flask edge.
"""

from __future__ import annotations

from flask import Flask, Response


def init_app(app: Flask) -> None:
    """Register the LTI blueprint, the grade listener and the iframe embedding rules.

    Call it after ``web.init_app``: after-request hooks run newest first, so ours sets the
    Content-Security-Policy (with the platforms in frame-ancestors) before web's default would.
    Over HTTPS the session cookie becomes ``SameSite=None; Secure`` so that it is sent inside
    the platform's cross-site iframe.
    """
    from elearn.db import database
    from elearn.lti import (
        jobs,  # noqa: F401  (connects the grade listener, declares tasks)
        teacher_views,  # noqa: F401  (routes on the same blueprint)
    )
    from elearn.lti.embedding import OriginCache, with_frame_ancestors
    from elearn.lti.views import blueprint
    from elearn.web import CONTENT_SECURITY_POLICY

    app.register_blueprint(blueprint)
    if app.config["ELEARN_SETTINGS"].cookie_secure:
        app.config["SESSION_COOKIE_SAMESITE"] = "None"
    origins = OriginCache()
    app.extensions["elearn.lti.origins"] = origins

    def frame_ancestors(response: Response) -> Response:
        if "Content-Security-Policy" not in response.headers:
            policy = with_frame_ancestors(CONTENT_SECURITY_POLICY, origins.get(database().sessions))
            response.headers["Content-Security-Policy"] = policy
        return response

    app.after_request(frame_ancestors)
