"""Quiz pages: overview, taking an attempt (autosave), review, gradebook and statistics."""

from __future__ import annotations

from pathlib import Path

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
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from elearn.auth.access import public, requires
from elearn.auth.models import Role, User
from elearn.db import db
from elearn.db.types import utcnow
from elearn.quiz.attempts import (
    QuizError,
    announce_grade,
    attempts_of,
    close_if_overdue,
    is_open,
    lock_attempt,
    lock_student,
    save_answers,
    spec_of,
    start_attempt,
    submit_attempt,
    utc_text,
    window_problem,
)
from elearn.quiz.catalog import (
    course_quizzes,
    course_renderer,
    current_version,
    find_quiz,
    version_spec,
)
from elearn.quiz.gradebook import course_gradebook, gradebook_csv
from elearn.quiz.grading import quiz_grade
from elearn.quiz.models import Attempt, AttemptState, Quiz
from elearn.quiz.presenter import answers_from_form, question_views
from elearn.quiz.readiness import exam_readiness, precompute
from elearn.quiz.regrade import (
    OverrideError,
    apply_regrade,
    history,
    plan_regrade,
    publish_changed,
    set_override,
)
from elearn.quiz.review_runs import review_overlay
from elearn.quiz.statistics import item_statistics
from elearn.quiz.student_runs import start_student_run
from elearn.sim.instrument import InstrumentError
from elearn.sim.plotdata import comparison
from elearn.sim.runs import SimulationError

blueprint = Blueprint("quiz", __name__, template_folder="templates")
blueprint.add_app_template_filter(utc_text, "utc")
STATIC = Path(__file__).parent / "static"


def _quiz_or_404(course_slug: str, quiz_slug: str) -> Quiz:
    quiz = find_quiz(db(), course_slug, quiz_slug)
    if quiz is None:
        abort(404, f"There is no quiz {quiz_slug!r} in this course.")
    return quiz


def _attempt_for(attempt_id: int, allow_teacher: bool, write: bool = False) -> Attempt:
    """The attempt if the user may see it; closed first if its time ran out. ``write``: in a
    write transaction holding its row (see attempts.lock_attempt)."""
    attempt = lock_attempt(db(), attempt_id) if write else db().get(Attempt, attempt_id)
    user: User = g.user
    if attempt is None or (
        attempt.user_id != user.id and not (allow_teacher and user.role.includes(Role.TEACHER))
    ):
        abort(404, "There is no such attempt.")
    if not write and attempt.state == AttemptState.IN_PROGRESS and not is_open(attempt, utcnow()):
        attempt = lock_attempt(db(), attempt_id) or attempt
    if close_if_overdue(db(), attempt, utcnow()):
        db().commit()
        announce_grade(db(), attempt)
    return attempt


@blueprint.route("/courses/<course_slug>/quizzes")
@requires(Role.STUDENT)
def index(course_slug: str) -> str:
    return render_template(
        "quiz/index.html", course_slug=course_slug, quizzes=course_quizzes(db(), course_slug)
    )


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>")
@requires(Role.STUDENT)
def overview(course_slug: str, quiz_slug: str) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    spec = version_spec(current_version(db(), quiz))
    attempts = attempts_of(db(), quiz, g.user.id)
    for attempt in attempts:
        if attempt.state == AttemptState.IN_PROGRESS and not is_open(attempt, utcnow()):
            _attempt_for(attempt.id, allow_teacher=False, write=True)
    finished = [a.score or 0.0 for a in attempts if a.state == AttemptState.FINISHED]
    can_start = not spec.settings.max_attempts or len(attempts) < spec.settings.max_attempts
    staff = g.user.role.includes(Role.TEACHER)
    return render_template(
        "quiz/overview.html",
        quiz=quiz,
        spec=spec,
        attempts=attempts,
        grade=quiz_grade(finished, spec.settings.grading),
        can_start=can_start,
        closed=window_problem(spec.settings, utcnow()),
        staff=staff,
        course_slug=course_slug,
    )


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/attempts", methods=["POST"])
@requires(Role.STUDENT)
def start(course_slug: str, quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    lock_student(db(), g.user.id)
    try:
        attempt = start_attempt(db(), quiz, g.user.id, utcnow(), staff=g.user.role.includes(Role.TEACHER))
    except QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("quiz.overview", course_slug=course_slug, quiz_slug=quiz_slug))
    db().commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@blueprint.route("/quiz/attempts/<int:attempt_id>")
@requires(Role.STUDENT)
def attempt(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_for(attempt_id, allow_teacher=False)
    if attempt.state == AttemptState.FINISHED:
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    render = course_renderer(db(), attempt.quiz.course)
    return render_template(
        "quiz/attempt.html",
        attempt=attempt,
        quiz=attempt.quiz,
        spec=spec_of(attempt),
        questions=question_views(attempt, render, review=False),
    )


@blueprint.route("/quiz/attempts/<int:attempt_id>/save", methods=["POST"])
@requires(Role.STUDENT)
def save(attempt_id: int) -> ResponseReturnValue:
    """Autosave (fetch, answers JSON back) or the Save button (redirect back to the page)."""
    attempt = _attempt_for(attempt_id, allow_teacher=False, write=True)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    answers = answers_from_form(request.form, [r.question_id for r in attempt.responses])
    try:
        saved = save_answers(db(), attempt, answers, utcnow())
    except QuizError as error:
        if wants_json:
            return jsonify(saved=False, message=str(error)), 409
        flash(str(error), "error")
        return redirect(url_for("quiz.review", attempt_id=attempt.id))
    db().commit()
    if wants_json:
        return jsonify(saved=True, changed=saved, at=utcnow().isoformat())
    flash("Your answers are saved.")
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@blueprint.route("/quiz/attempts/<int:attempt_id>/questions/<question_id>/run", methods=["POST"])
@requires(Role.STUDENT)
def run_simulation(attempt_id: int, question_id: str) -> ResponseReturnValue:
    """Save the answers, then run the question's instrument with the student's parameters."""
    attempt = _attempt_for(attempt_id, allow_teacher=False, write=True)
    session = db()
    try:
        answers = answers_from_form(request.form, [r.question_id for r in attempt.responses])
        save_answers(session, attempt, answers, utcnow())
        run = start_student_run(session, current_app.config["ELEARN_SETTINGS"], attempt, question_id,
                                g.user.id, g.user.role)  # fmt: skip
    except (QuizError, SimulationError, InstrumentError) as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("quiz.attempt", attempt_id=attempt_id))
    session.commit()  # queues the run (enqueue_after_commit)
    done = "" if run.status.value != "done" else " It is done: your run's value is shown below the question."
    flash(f"Simulation run #{run.id} started.{done}")
    return redirect(url_for("quiz.attempt", attempt_id=attempt_id) + f"#question-{question_id}")


@blueprint.route("/quiz/attempts/<int:attempt_id>/finish", methods=["POST"])
@requires(Role.STUDENT)
def finish(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_for(attempt_id, allow_teacher=False, write=True)
    answers = answers_from_form(request.form, [r.question_id for r in attempt.responses])
    if attempt.state == AttemptState.IN_PROGRESS:
        submit_attempt(db(), attempt, utcnow(), answers)
    return redirect(url_for("quiz.review", attempt_id=attempt.id))


@blueprint.route("/quiz/attempts/<int:attempt_id>/review")
@requires(Role.STUDENT)
def review(attempt_id: int) -> ResponseReturnValue:
    attempt = _attempt_for(attempt_id, allow_teacher=True)
    if attempt.state != AttemptState.FINISHED:
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    render = course_renderer(db(), attempt.quiz.course)
    student = db().get(User, attempt.user_id)
    return render_template(
        "quiz/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        spec=spec_of(attempt),
        questions=question_views(attempt, render, review=True),
        student=student,
    )


@blueprint.route("/quiz/attempts/<int:attempt_id>/questions/<question_id>/reference.json")
@requires(Role.STUDENT)
def reference_overlay(attempt_id: int, question_id: str) -> ResponseReturnValue:
    """The student's run and the reference run of a reviewed simulation question (review_runs.py)."""
    attempt = _attempt_for(attempt_id, allow_teacher=True)
    labelled = review_overlay(db(), current_app.config["ELEARN_SETTINGS"], attempt, question_id)
    if labelled is None:
        abort(404, "There is no reference run to show for this question.")
    return jsonify(comparison(labelled))


@blueprint.route("/courses/<course_slug>/gradebook")
@requires(Role.TEACHER)
def gradebook(course_slug: str) -> str:
    return render_template(
        "quiz/gradebook.html", course_slug=course_slug, book=course_gradebook(db(), course_slug)
    )


@blueprint.route("/courses/<course_slug>/gradebook.csv")
@requires(Role.TEACHER)
def gradebook_export(course_slug: str) -> ResponseReturnValue:
    text = gradebook_csv(course_gradebook(db(), course_slug))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{course_slug}-grades.csv"'},
    )


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/students/<int:user_id>")
@requires(Role.TEACHER)
def student_attempts(course_slug: str, quiz_slug: str, user_id: int) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    student = db().get(User, user_id)
    if student is None:
        abort(404)
    return render_template(
        "quiz/student_attempts.html",
        quiz=quiz,
        student=student,
        attempts=attempts_of(db(), quiz, user_id),
        course_slug=course_slug,
    )


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/statistics")
@requires(Role.TEACHER)
def statistics(course_slug: str, quiz_slug: str) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    spec = version_spec(current_version(db(), quiz))
    return render_template(
        "quiz/statistics.html",
        quiz=quiz,
        spec=spec,
        course_slug=course_slug,
        items=item_statistics(db(), quiz),
    )


@blueprint.route("/quiz/assets/<name>")
@public
def asset(name: str) -> ResponseReturnValue:
    """The quiz pages' script and style (autosave, countdown, readiness progress)."""
    if name not in ("quiz.js", "quiz.css", "readiness.js"):
        abort(404)
    return send_from_directory(STATIC, name, max_age=3600)


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/readiness")
@requires(Role.TEACHER)
def readiness(course_slug: str, quiz_slug: str) -> str:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    return render_template("quiz/readiness.html", quiz=quiz, course_slug=course_slug,
                           readiness=exam_readiness(db(), _settings(), quiz), now=utcnow())  # fmt: skip


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/readiness.json")
@requires(Role.TEACHER)
def readiness_status(course_slug: str, quiz_slug: str) -> ResponseReturnValue:
    """What the page's poller (readiness.js) needs: counts and each run's status by cache key."""
    state = exam_readiness(db(), _settings(), _quiz_or_404(course_slug, quiz_slug))
    return jsonify(counts=state.counts(), runs={run.key: run.status for run in state.runs()})


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/readiness", methods=["POST"])
@requires(Role.TEACHER)
def precompute_runs(course_slug: str, quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    try:
        queued = precompute(db(), _settings(), quiz)
    except (SimulationError, InstrumentError) as error:
        db().rollback()
        flash(str(error), "error")
    else:
        db().commit()  # queues the jobs (enqueue_after_commit)
        flash(f"{queued} simulation runs queued." if queued else "Nothing to queue: every run is requested.")
    return redirect(url_for("quiz.readiness", course_slug=course_slug, quiz_slug=quiz_slug))


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/regrade")
@requires(Role.TEACHER)
def regrade(course_slug: str, quiz_slug: str) -> str:
    """The preview: every finished attempt's old and new score; nothing is written."""
    quiz = _quiz_or_404(course_slug, quiz_slug)
    clear = request.args.get("clear") == "1"
    plan = plan_regrade(db(), quiz, clear_overrides=clear)
    changes = history(db(), [a.attempt_id for a in plan.attempts])
    users = _names(c.by_user_id for c in changes)
    return render_template("quiz/regrade.html", quiz=quiz, course_slug=course_slug, plan=plan,
                           clear=clear, history=changes, users=users)  # fmt: skip


@blueprint.route("/courses/<course_slug>/quizzes/<quiz_slug>/regrade", methods=["POST"])
@requires(Role.TEACHER)
def apply_regrade_view(course_slug: str, quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(course_slug, quiz_slug)
    session, now = db(), utcnow()
    plan = apply_regrade(session, quiz, g.user.id, now, clear_overrides=request.form.get("clear") == "1")
    session.commit()
    changed = [session.get(Attempt, a.attempt_id) for a in plan.changed]
    sent = publish_changed(session, [a for a in changed if a is not None], now)
    flash(f"Regraded with version {plan.version}: {len(plan.changed)} attempts changed, "
          f"{sent} students' grades published again.")  # fmt: skip
    return redirect(url_for("quiz.regrade", course_slug=course_slug, quiz_slug=quiz_slug))


@blueprint.route("/quiz/attempts/<int:attempt_id>/questions/<question_id>/score", methods=["POST"])
@requires(Role.TEACHER)
def override_score(attempt_id: int, question_id: str) -> ResponseReturnValue:
    """A teacher sets (or, with ``clear``, removes) a question's score, with a comment."""
    session = db()
    attempt = lock_attempt(session, attempt_id)
    response = next((r for r in attempt.responses if r.question_id == question_id), None) if attempt else None
    if attempt is None or response is None:
        abort(404, "There is no such question in this attempt.")
    now = utcnow()
    try:
        score = None if "clear" in request.form else float(request.form.get("score", ""))
        set_override(session, response, score, request.form.get("comment", ""), g.user.id, now)
    except ValueError as error:  # OverrideError, or a score that is not a number
        session.rollback()
        flash(str(error) if isinstance(error, OverrideError) else "The score must be a number.", "error")
    else:
        session.commit()
        publish_changed(session, [attempt], now)
        flash(f"Score of question {question_id} {'restored' if score is None else 'set'}.")
    return redirect(url_for("quiz.review", attempt_id=attempt_id) + f"#question-{question_id}")


def _settings():
    return current_app.config["ELEARN_SETTINGS"]


def _names(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    return {user.id: user.name for user in db().scalars(select(User).where(User.id.in_(ids)))} if ids else {}


from elearn.quiz import editor_views as _editor_views  # noqa: E402, F401  (its routes on this blueprint)
