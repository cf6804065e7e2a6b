"""A quiz-enabled elearn server for the browser tests: ``python live_quiz_server.py PORT INSTANCE``.

Until the lead registers the quiz blueprint in create_app and wires simulation jobs, this
registers the blueprint itself and installs the in-process DirectSimulationRunner.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from waitress import serve  # noqa: E402

from elearn import create_app  # noqa: E402
from elearn.auth.models import Role  # noqa: E402
from elearn.auth.services import create_user  # noqa: E402
from elearn.config import Settings  # noqa: E402
from elearn.courses.importer import import_course  # noqa: E402
from elearn.db import database  # noqa: E402
from elearn.db.migrate import upgrade  # noqa: E402
from elearn.quiz import kind  # noqa: E402, F401
from elearn.quiz.sim_runner import DirectSimulationRunner, set_simulation_runner  # noqa: E402
from elearn.quiz.views import blueprint  # noqa: E402

STUDENT = ("student@example.org", "student password 1")
TEACHER = ("teacher@example.org", "teacher password 1")


def main(port: int, instance: Path) -> None:
    settings = Settings(
        instance_path=instance,
        database_url=f"sqlite:///{instance / 'elearn.sqlite'}",
        secret_key="browser-test-secret-key",
        queue="immediate",
    )
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    if "quiz" not in app.blueprints:
        app.register_blueprint(blueprint)
    set_simulation_runner(DirectSimulationRunner(ROOT / "simulations"))
    course = instance / "mini"
    shutil.copytree(ROOT / "tests" / "data" / "courses" / "mini", course)
    shutil.copytree(ROOT / "tests" / "quiz" / "data" / "quizzes", course / "quizzes")
    data = ROOT / "tests" / "quiz" / "data"
    shutil.copy(data / "browser_quizzes" / "bragg-sim.yaml", course / "quizzes")
    with app.app_context():
        upgrade(database().engine)
        with database().sessions() as session:
            import_course(session, course)
            create_user(
                session,
                email=STUDENT[0],
                name="Sam Student",
                password=STUDENT[1],
                role=Role.STUDENT,
            )
            create_user(
                session, email=TEACHER[0], name="Tess Teacher", password=TEACHER[1], role=Role.TEACHER
            )
            session.commit()
    serve(app, host="127.0.0.1", port=port, threads=4, ident="elearn-quiz-test")


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
