"""A simulation answer waits for its reference run and is graded when the run is ready."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

from elearn.courses.importer import import_course
from elearn.grades import grade_published
from elearn.quiz.attempts import announce_grade, regrade_pending, start_attempt, submit_attempt
from elearn.quiz.catalog import find_quiz
from elearn.quiz.sim_runner import DirectSimulationRunner, set_simulation_runner

DATA = Path(__file__).parent / "data"
SIMULATIONS = Path(__file__).parents[2] / "simulations"
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class QueuedRunner:
    """Like a job-queue runner: None until the run was "done" (here: released by the test)."""

    def __init__(self) -> None:
        self.ready = False
        self.engine = DirectSimulationRunner(SIMULATIONS)

    def run(self, instrument, parameters, ncount, seed):
        return self.engine.run(instrument, parameters, ncount, seed) if self.ready else None


def test_pending_answer_is_graded_when_the_reference_is_ready(
    session, quiz_course_folder, make_user
) -> None:
    shutil.copy(DATA / "browser_quizzes" / "bragg-sim.yaml", quiz_course_folder / "quizzes")
    import_course(session, quiz_course_folder)
    session.commit()
    quiz = find_quiz(session, "mini", "bragg-sim")
    runner = QueuedRunner()
    set_simulation_runner(runner)
    events = []

    def listen(_sender, event):
        events.append(event)

    grade_published.connect(listen)
    try:
        attempt = start_attempt(session, quiz, make_user().id, T0)
        answers = {"peak": {"value": "47 deg"}, "charge": {"choice": "0"}}
        submit_attempt(session, attempt, T0, answers)
        peak = next(r for r in attempt.responses if r.question_id == "peak")
        assert peak.fraction is None and attempt.score == 1.0
        assert not regrade_pending(session, attempt)  # still running
        runner.ready = True
        assert regrade_pending(session, attempt)
        session.commit()
        announce_grade(session, attempt)
    finally:
        set_simulation_runner(None)
        grade_published.disconnect(listen)
    assert peak.fraction == 1.0 and attempt.score == 3.0
    assert [e.score for e in events] == [1.0, 3.0]
