"""The demo course's quizzes: valid, every question type, and simulation references that work."""

from pathlib import Path

import pytest

from elearn.courses.content import read_course
from elearn.quiz.content import quiz_files, read_quiz_text
from elearn.quiz.grading import grade_response
from elearn.quiz.kind import check_quizzes
from elearn.quiz.models import Response
from elearn.quiz.randomise import SHARED_DRAW, draw_values
from elearn.quiz.sim_runner import DirectSimulationRunner, set_simulation_runner

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "courses" / "intro-neutron-scattering"


def demo_specs():
    specs = []
    for path in quiz_files(DEMO):
        spec, problems = read_quiz_text(path.read_text(), path.stem, path.name)
        assert problems == []
        specs.append(spec)
    return specs


def test_demo_quizzes_are_valid_against_the_course() -> None:
    course = read_course(DEMO, [])
    assert [str(p) for p in check_quizzes(course)] == []


def test_demo_quizzes_cover_every_type() -> None:
    questions = [q for spec in demo_specs() for q in spec.questions]
    assert len(demo_specs()) >= 4 and len(questions) >= 25
    assert {q.type for q in questions} == {"single", "multiple", "numeric", "text", "simulation"}
    simulations = [q for q in questions if q.type == "simulation"]
    assert len(simulations) >= 6
    assert {q.instrument for q in simulations} == {
        "SANS_spheres.instr",
        "Powder_diffractometer.instr",
        "Guide_slits.instr",
    }


@pytest.mark.slow
def test_every_demo_simulation_question_gets_a_reference() -> None:
    """Runs each reference once with the embedded engine (about a minute on 2 cores)."""
    set_simulation_runner(DirectSimulationRunner(ROOT / "simulations"))
    try:
        for spec in demo_specs():
            for question in (q for q in spec.questions if q.type == "simulation"):
                shared = draw_values(spec.shared, 7, SHARED_DRAW)  # the quiz's random: block
                values = draw_values(question.parameters, 7, question.id, shared)
                response = Response(
                    question_id=question.id, values=values, extra={}, answer={}, max_score=1.0
                )
                response.feedback = []
                grade_response(spec, response)
                assert "reference" in response.extra, (question.id, response.extra)
    finally:
        set_simulation_runner(None)
