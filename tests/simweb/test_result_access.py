"""Who can reach simulation output: every result route tried as anonymous, another student, the
owner and a teacher; reference runs (user_id None) as a student; file names that try to escape.

The rule (as for quiz attempts and notebook submissions): a student sees their own runs only; the
teacher role is global in elearn (no per-course teacher rows; an LTI Instructor launch gives the
account the teacher role), so a teacher sees every run; reference runs are teachers' only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.auth.models import Role
from elearn.courses.models import Course
from elearn.notebooks.models import NotebookExercise, NotebookSubmission, SubmissionKind, SubmissionStatus
from elearn.sim.runs import execute, result_dir, submit_run

GUIDE = "/sim/Guide_slits.instr"
TRAVERSALS = ["..%2Fmccode.sim", "%2e%2e%2fmccode.sim", "..%252F..%252Fsecret", "%2Fetc%2Fpasswd",
              "..", ".", "plots", "..%5Cmccode.sim", "%2e%2e", "mccode.sim%00.dat"]  # fmt: skip


def run_routes(run_id: int, other_id: int) -> list[str]:
    """Every GET route that shows something of run ``run_id`` (other_id: a second run to compare)."""
    base = f"/sim/runs/{run_id}"
    both = f"runs={run_id},{other_id}"
    return [base, f"{base}/status", f"{base}/plots/psd.png", f"{base}/plots/psd.png?scale=log",
            f"{base}/files/psd.dat", f"{base}/files/mccode.sim", f"{base}/download.zip",
            f"{base}/data/psd.json", f"/sim/compare?{both}",
            f"/sim/compare/data/psd.json?{both}"]  # fmt: skip


def start_run(auth, m: str) -> int:
    response = auth.post(f"{GUIDE}/runs", {"ncount": "5e3", "seed": "5", "p:m": m}, form_page=GUIDE)
    assert response.status_code == 302 and "/sim/runs/" in response.headers["Location"]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def runs(client, auth, make_user):
    """Two finished runs of one student, and the student, a classmate and a teacher."""
    owner, classmate, teacher = make_user(), make_user(), make_user(Role.TEACHER)
    auth.login(owner)
    first, second = start_run(auth, "1"), start_run(auth, "2")
    auth.post("/auth/logout")
    return {"first": first, "second": second, "owner": owner, "classmate": classmate, "teacher": teacher}


def test_anonymous_users_are_sent_to_sign_in(client, runs) -> None:
    for url in run_routes(runs["first"], runs["second"]):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_another_student_sees_nothing_of_a_run(client, auth, runs) -> None:
    auth.login(runs["classmate"])
    for url in run_routes(runs["first"], runs["second"]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"psd" not in response.data or b"There is no such run" in response.data, url
    assert auth.post(f"/sim/runs/{runs['first']}/cancel").status_code == 404
    assert f"/sim/runs/{runs['first']}" not in client.get(GUIDE).get_data(as_text=True)


@pytest.mark.parametrize("who", ["owner", "teacher"])
def test_owner_and_teacher_see_every_result_privately(client, auth, runs, who: str) -> None:
    auth.login(runs[who])
    for url in run_routes(runs["first"], runs["second"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.headers.get("Cache-Control", ""), url
        assert "public" not in response.headers["Cache-Control"], url


def test_file_names_cannot_leave_the_result_folder(client, auth, runs, settings) -> None:
    secret = settings.data_path / "sim" / "secret"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("not for students")
    auth.login(runs["owner"])
    base = f"/sim/runs/{runs['first']}"
    for name in TRAVERSALS:
        for url in (f"{base}/files/{name}", f"{base}/plots/{name}.png", f"{base}/data/{name}.json"):
            response = client.get(url)
            assert response.status_code in (400, 404), url
            assert b"not for students" not in response.data and b"McCode" not in response.data, url
    absolute = client.get(f"{base}/files/{secret}")  # an absolute path as the name
    assert absolute.status_code == 404


def test_reference_runs_are_never_shown_to_students(client, auth, session, settings, make_user) -> None:
    """A quiz reference run (user_id None): no student reaches it through the sim routes."""
    reference, _ = submit_run(session, settings, user_id=None, role=Role.ADMIN, values={"m": "3"},
                              instrument_file="Guide_slits.instr", ncount=5000, seed=11)  # fmt: skip
    session.commit()
    execute(session, settings, reference.cache_key)
    assert (result_dir(settings, reference.cache_key) / "mccode.sim").exists()
    student = make_user()
    auth.login(student)
    own = start_run(auth, "2")
    for url in run_routes(reference.id, own):
        assert client.get(url).status_code == 404, url
    assert f"#{reference.id}<" not in client.get("/sim").get_data(as_text=True)
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert client.get(f"/sim/runs/{reference.id}/files/psd.dat").status_code == 200


def test_results_are_not_under_any_static_url(app, settings) -> None:
    data = result_dir(settings, "ab" * 32).resolve()
    folders = [Path(app.static_folder)] + [Path(bp.static_folder) for bp in app.blueprints.values()
                                           if bp.static_folder]  # fmt: skip
    for folder in folders:
        assert not data.is_relative_to(folder.resolve()), folder
    static_endpoints = [rule for rule in app.url_map.iter_rules() if rule.endpoint.endswith("static")]
    assert static_endpoints and all("/static" in rule.rule for rule in static_endpoints)


def test_notebook_output_is_private_to_its_owner_and_teachers(client, auth, session, make_user,
                                                              mini_course) -> None:  # fmt: skip
    exercise = session.scalar(select(NotebookExercise).join(Course).where(Course.slug == mini_course))
    owner = make_user()
    submission = NotebookSubmission(exercise_id=exercise.id, user_id=owner.id, kind=SubmissionKind.RUN,
                                    status=SubmissionStatus.DONE, answers={}, max_score=0,
                                    result_html="<p>owner's output 4242</p>")  # fmt: skip
    session.add(submission)
    session.commit()
    base = f"/courses/{mini_course}/notebooks/{exercise.slug}/submissions/{submission.id}"
    urls = [base, f"{base}/status", f"{base}/result"]
    for url in urls:
        assert client.get(url).status_code == 302, url
    auth.login(make_user())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404 and b"4242" not in response.data, url
    for who in (owner, make_user(Role.TEACHER)):
        auth.post("/auth/logout")
        auth.login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "private" in response.headers.get("Cache-Control", ""), url
        assert b"4242" in client.get(f"{base}/result").data


def test_scans_follow_the_same_rule(client, auth, make_user) -> None:
    owner = make_user()
    auth.login(owner)
    response = auth.post(f"{GUIDE}/runs", {"ncount": "5e3", "seed": "5", "p:lambda": "3,5", "points": "2"},
                         form_page=GUIDE)  # fmt: skip
    scan = response.headers["Location"]
    assert "/sim/scans/" in scan
    urls = [scan, f"{scan}/status", f"{scan}/plots/psd.png", f"{scan}/download.zip"]
    auth.post("/auth/logout")
    assert all(client.get(url).status_code == 302 for url in urls)
    for who, code in ((make_user(), 404), (owner, 200), (make_user(Role.TEACHER), 200)):
        auth.login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == code, url
            assert "private" in response.headers["Cache-Control"], url
        auth.post("/auth/logout")
