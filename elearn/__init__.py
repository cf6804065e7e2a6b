"""elearn: theory wiki, quizzes, McStas simulations and notebook exercises for scattering science."""

from __future__ import annotations

from flask import Flask

from elearn.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app: no prompts, no network, no migrations, no waiting."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        ELEARN_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_NAME="elearn_session",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    from elearn import areas, db, jobs, lti, web  # noqa: F401  (areas: registrations)
    from elearn.auth import access
    from elearn.auth.views import blueprint as auth_blueprint
    from elearn.courses.views import blueprint as courses_blueprint
    from elearn.notebooks.views import blueprint as notebooks_blueprint
    from elearn.quiz.views import blueprint as quiz_blueprint
    from elearn.sim.views import blueprint as sim_blueprint
    from elearn.wiki.views import blueprint as wiki_blueprint

    db.init_app(app)
    jobs.init_app(app)
    web.init_app(app)
    lti.init_app(app)  # after web: frame-ancestors for registered platforms, SameSite=None cookies
    access.init_app(app)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(courses_blueprint)
    app.register_blueprint(wiki_blueprint)
    app.register_blueprint(sim_blueprint)
    app.register_blueprint(notebooks_blueprint)
    app.register_blueprint(quiz_blueprint)
    return app
