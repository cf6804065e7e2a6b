"""Benchmark: grading throughput of the quiz question types, and of whole attempts.

Grades answers to the demo course's numeric, choice and text questions (each with its
student's drawn values) with the pure graders, then finishes whole attempts on a real
database (SQLite file, or --database-url). Prints answers/s per type and attempts/s.

    .venv/bin/python bench/quiz_grading.py [--answers 20000] [--attempts 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from elearn.auth.models import Role  # noqa: E402
from elearn.auth.services import create_user  # noqa: E402
from elearn.courses.importer import import_course  # noqa: E402
from elearn.db import make_engine  # noqa: E402
from elearn.db.migrate import upgrade  # noqa: E402
from elearn.quiz import kind  # noqa: E402, F401
from elearn.quiz.attempts import finish_attempt, save_answers, start_attempt  # noqa: E402
from elearn.quiz.catalog import find_quiz  # noqa: E402
from elearn.quiz.content import quiz_files, read_quiz_text  # noqa: E402
from elearn.quiz.grading import QuestionVariant  # noqa: E402
from elearn.quiz.question_types import question_type  # noqa: E402
from elearn.quiz.randomise import draw_values  # noqa: E402

COURSE = ROOT / "courses" / "intro-neutron-scattering"


def answer_for(question, values: dict[str, float], rng: random.Random) -> dict[str, object]:
    if question.type == "single":
        return {"choice": str(rng.randrange(len(question.options)))}
    if question.type == "multiple":
        return {"choices": [str(i) for i in range(len(question.options)) if rng.random() < 0.5]}
    if question.type == "text":
        return {
            "value": rng.choice(["neutron", "Chadwick", "Porod", "density", "TRACE", "no idea"])
        }
    reference = question.reference(values)
    return {"value": f"{reference * rng.uniform(0.97, 1.03):.5g} {question.units.unit}"}


def bench_graders(count: int) -> None:
    questions = []
    for path in quiz_files(COURSE):
        spec, _ = read_quiz_text(path.read_text(), path.stem, path.name)
        questions += [q for q in spec.questions if q.type != "simulation"]
    rng = random.Random(1)
    work = []
    for index in range(count):
        question = questions[index % len(questions)]
        values = draw_values(question.parameters, index, question.id)
        work.append((question, values, answer_for(question, values, rng)))
    timings: dict[str, list[float]] = defaultdict(list)
    for question, values, answer in work:
        grader = question_type(question.type)
        started = time.perf_counter()
        grader.grade(question, QuestionVariant(values), answer)
        timings[question.type].append(time.perf_counter() - started)
    total = sum(sum(t) for t in timings.values())
    print(f"pure graders: {count} answers from {len(questions)} demo questions")
    for name, spent in sorted(timings.items()):
        print(f"  {name:<9} {len(spent) / sum(spent):>10.0f} answers/s")
    print(f"  {'all':<9} {count / total:>10.0f} answers/s")


def bench_attempts(count: int, url: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="elearn-quiz-bench-"))
    engine = make_engine(url or f"sqlite:///{folder / 'bench.sqlite'}")
    upgrade(engine)
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        import_course(session, COURSE)
        session.commit()
        quiz = find_quiz(session, COURSE.name, "neutron-basics")
        rng = random.Random(2)
        now = datetime.now(UTC)
        users = [
            create_user(
                session,
                email=f"bench{i}@example.org",
                name=f"B {i}",
                password=None,
                role=Role.STUDENT,
            )
            for i in range(count)
        ]
        session.commit()
        attempts = []
        for user in users:
            attempt = start_attempt(session, quiz, user.id, now)
            attempts.append(attempt)
        session.commit()
        spec_questions = {}
        path = COURSE / "quizzes" / "neutron-basics.yaml"
        spec, _ = read_quiz_text(path.read_text(), path.stem, path.name)
        spec_questions = {q.id: q for q in spec.questions}
        for attempt in attempts:
            answers = {
                r.question_id: answer_for(spec_questions[r.question_id], r.values, rng)
                for r in attempt.responses
            }
            save_answers(session, attempt, answers, now)
        session.commit()
        started = time.perf_counter()
        for attempt in attempts:
            finish_attempt(session, attempt, now)
            session.commit()
        spent = time.perf_counter() - started
    answers = count * len(spec_questions)
    questions = len(spec_questions)
    print(f"whole attempts on {engine.dialect.name}: {count} attempts of {questions} questions, "
          f"one commit each")  # fmt: skip
    print(f"  {count / spent:>10.0f} attempts/s   {answers / spent:>10.0f} answers/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    bench_graders(options.answers)
    bench_attempts(options.attempts, options.database_url)


if __name__ == "__main__":
    main()
