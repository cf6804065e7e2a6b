"""Parameter scans, recalculate and never-cached course exercises, through the web app.

Real database, immediate queue (jobs run inline after the commit), embedded engine, 1e4 rays.
"""

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from elearn.auth.models import Role
from elearn.courses.content import ContentError
from elearn.courses.importer import check_course, import_course
from elearn.sim.cli import sim
from elearn.sim.models import RunStatus, SimulationRun, SimulationScan
from elearn.sim.runs import SimulationError, active_requests, load_instrument, queue_priority, submit_run
from elearn.sim.scans import find_scan, scan_runs, submit_scan
from tests.conftest import DATA

GUIDE = "/sim/Guide_slits.instr"
SIMULATIONS = Path(__file__).parents[2] / "simulations"


def post_run(auth, path: str = GUIDE, ncount: str = "1e4", seed: str = "3", **fields: str):
    data = {"ncount": ncount, "seed": seed}
    data.update({name if name in ("points", "recalculate") else f"p:{name}": value
                 for name, value in fields.items()})  # fmt: skip
    return auth.post(f"{path}/runs", data, form_page=path)


def start_scan(auth, **fields: str) -> str:
    response = post_run(auth, **{"lambda": "2,8", "dlambda": "0.5", "points": "4", **fields})
    assert response.status_code == 302 and "/sim/scans/" in response.headers["Location"], response.headers
    return response.headers["Location"]


def numbers(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def run_of(session, response) -> SimulationRun:
    return session.get(SimulationRun, int(response.headers["Location"].rsplit("/", 1)[1]))


def test_a_scan_runs_every_point_and_its_overview_matches_the_runs(client, auth, make_user, session) -> None:
    auth.login(make_user())
    page_url = start_scan(auth)
    scan = session.get(SimulationScan, int(page_url.rsplit("/", 1)[1]))
    runs = scan_runs(session, scan)
    assert [run.parameters["lambda"] for run in runs] == [2.0, 4.0, 6.0, 8.0]
    assert [run.scan_point for run in runs] == [0, 1, 2, 3]
    assert all(run.status == RunStatus.DONE and run.parameters["dlambda"] == 0.5 for run in runs)
    html = client.get(page_url).get_data(as_text=True)
    assert "Download the whole scan (zip)" in html and "4 of 4 points have results" in html
    table = html[html.index('id="scan-lambda_mon"'):]
    table = table[: table.index("</table>")]
    assert "<caption>lambda_mon at each point of the scan</caption>" in table and 'scope="row"' in table
    cells = r'<a href="/sim/runs/(\d+)">#\d+</a></th><td>([^<]+)</td>\s*<td>([^<]+)</td><td>([^<]+)</td>'
    rows = re.findall(cells + r"\s*<td>([^<]+)</td>", table)
    assert [int(row[0]) for row in rows] == [run.id for run in runs]  # each point drills down to its run
    for (_, value, intensity, error, _), run in zip(rows, runs, strict=True):
        monitor = next(m for m in run.summary if m["name"] == "lambda_mon")
        assert float(value) == run.parameters["lambda"]
        assert intensity == f"{monitor['I']:.4g}" and error == f"{monitor['E']:.2g}"
    centroids = [float(row[4]) for row in rows]
    # a 1 AA wide band at lambda: the wavelength monitor's centroid follows lambda
    assert centroids == sorted(centroids)
    assert all(abs(centroid - lam) < 0.2 for centroid, lam in zip(centroids, (2, 4, 6, 8), strict=True))
    plot = client.get(f"{page_url}/plots/lambda_mon.png")
    assert plot.mimetype == "image/png" and plot.data.startswith(b"\x89PNG")
    assert client.get(f"{page_url}/plots/psd.png").data.startswith(b"\x89PNG")  # 2D: intensity only
    assert client.get(f"{page_url}/plots/nothing.png").status_code == 404
    status = client.get(f"{page_url}/status").get_json()
    assert status == {"status": "done", "progress": 1.0, "label": "4 of 4 points done", "finished": True}
    run_page = client.get(f"/sim/runs/{runs[1].id}").get_data(as_text=True)
    assert f'href="{page_url}">point 1 of scan #{scan.id}</a>' in run_page


def test_the_zip_holds_a_folder_per_point_and_an_mcrun_scan_table(client, auth, make_user, session) -> None:
    auth.login(make_user())
    page_url = start_scan(auth, points="3", **{"lambda": "3,5"})
    scan = session.get(SimulationScan, int(page_url.rsplit("/", 1)[1]))
    response = client.get(f"{page_url}/download.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    stem = f"Guide_slits-scan{scan.id}"
    names = set(archive.namelist())
    for point in range(3):
        assert {f"{stem}/{point}/{name}" for name in ("mccode.sim", "psd.dat", "lambda.dat")} <= names
    table = archive.read(f"{stem}/scan.dat").decode()
    header = dict(line[2:].split(": ", 1) for line in table.splitlines() if line.startswith("# "))
    assert header["type"] == "multiarray_1d(3)" and header["Numpoints"] == "3" and header["Ncount"] == "10000"
    assert header["variables"] == ("lambda psd_I psd_ERR lambda_mon_I lambda_mon_ERR divergence_I "
                                   "divergence_ERR")  # fmt: skip
    assert header["xvars"] == "lambda" and header["xlimits"] == "3 5" and header["filename"] == "scan.dat"
    data = [[float(v) for v in line.split()] for line in table.splitlines() if not line.startswith("#")]
    for row, run in zip(data, scan_runs(session, scan), strict=True):
        expected = [run.parameters["lambda"]] + [x for m in run.summary for x in (m["I"], m["E"])]
        assert row == pytest.approx(expected, rel=1e-9)
    sim_file = archive.read(f"{stem}/mccode.sim").decode()
    assert "type: multiarray_1d(3)" in sim_file and "filename: scan.dat" in sim_file


def test_scans_are_private_to_their_owner_and_teachers(client, auth, make_user) -> None:
    auth.login(make_user())
    page_url = start_scan(auth, points="2")
    auth.post("/auth/logout")
    auth.login(make_user())
    for suffix in ("", "/status", "/plots/psd.png", "/data/psd.json", "/download.zip"):
        assert client.get(page_url + suffix).status_code == 404, suffix
    assert auth.post(page_url + "/cancel").status_code == 404
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert client.get(page_url).status_code == 200
    assert client.get(page_url + "/data/psd.json").status_code == 200


def test_the_overview_data_are_point_series_of_the_runs_summaries(client, auth, make_user, session) -> None:
    auth.login(make_user())
    page_url = start_scan(auth)
    runs = scan_runs(session, session.get(SimulationScan, int(page_url.rsplit("/", 1)[1])))
    data = client.get(f"{page_url}/data/lambda_mon.json").get_json()
    intensity, peak = data["intensity"], data["peak"]
    summaries = [next(m for m in run.summary if m["name"] == "lambda_mon") for run in runs]
    assert intensity["kind"] == "points" and intensity["xlabel"] == "lambda [AA]"
    assert intensity["x"]["centres"] == [2.0, 4.0, 6.0, 8.0] and intensity["x"]["min"] == 2.0
    assert intensity["intensity"] == [m["I"] for m in summaries]
    assert intensity["errors"] == [m["E"] for m in summaries]
    assert intensity["runs"] == [run.id for run in runs]
    assert intensity["links"] == [f"/sim/runs/{run.id}" for run in runs]  # drill-down to each point's run
    description = intensity["description"]
    assert description.startswith("lambda_mon: ") and "at 4 points from 2 to 8" in description
    assert peak["vlabel"].startswith("Centroid: ") and peak["runs"] == intensity["runs"]
    assert all(abs(c - lam) < 0.2 for c, lam in zip(peak["intensity"], (2, 4, 6, 8), strict=True))
    assert all(0 < e < 0.05 for e in peak["errors"])  # 1e4 rays in a 1 AA band: the centroid is sharp
    psd = client.get(f"{page_url}/data/psd.json").get_json()
    assert psd["peak"] is None and len(psd["intensity"]["intensity"]) == 4  # 2D: intensity only
    assert client.get(f"{page_url}/data/nothing.json").status_code == 404


def test_recent_scans_are_listed_with_their_progress_and_points_link_back(client, auth, make_user) -> None:
    owner = make_user()
    auth.login(owner)
    page_url = start_scan(auth, points="2")
    scan_id = page_url.rsplit("/", 1)[1]
    for listing in ("/sim", GUIDE):
        html = client.get(listing).get_data(as_text=True)
        assert f'<a href="{page_url}">scan #{scan_id}</a>' in html and "done: 2 of 2 points" in html, listing
        assert f'<a href="{page_url}">point 1 of scan #{scan_id}</a>' in html  # the runs list links back
    assert f"scan #{scan_id}<" not in client.get("/sim/SANS_spheres.instr").get_data(as_text=True)
    auth.post("/auth/logout")
    auth.login(make_user())
    assert f"scan #{scan_id}<" not in client.get("/sim").get_data(as_text=True)
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    html = client.get("/sim").get_data(as_text=True)
    assert f'<a href="{page_url}">scan #{scan_id}</a>' in html and owner.name in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lambda": "2,x", "points": "3"}, "parameter lambda: &#39;x&#39; is not a number"),
        ({"lambda": "2,4,6", "points": "3"}, "lambda: a range is two numbers, first,last"),
        ({"lambda": "4", "points": "5"}, "Scan points: give one parameter a range such as 4,8"),
        ({"lambda": "2,8"}, "lambda=2,8 is a range: set Scan points (2 to 41)"),
        ({"lambda": "2,8", "m": "1,3", "points": "3"}, "Only one parameter can be scanned at a time"),
        ({"lambda": "2,8", "points": "42"}, "Scan points: &#39;42&#39; is not a whole number from 2 to 41"),
        ({"lambda": "2,8", "points": "1"}, "Scan points: &#39;1&#39; is not a whole number from 2 to 41"),
    ],
)
def test_bad_scans_are_refused_with_a_message_naming_the_field(client, auth, make_user, session, fields,
                                                               message) -> None:  # fmt: skip
    auth.login(make_user())
    response = post_run(auth, **fields)
    assert response.status_code == 302 and "/sim/Guide_slits.instr?" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert session.scalar(select(func.count()).select_from(SimulationScan)) == 0
    assert session.scalar(select(func.count()).select_from(SimulationRun)) == 0


def test_a_scan_outside_the_course_range_is_refused(client, auth, make_user, session, mini_course) -> None:
    auth.login(make_user())
    response = post_run(auth, path="/courses/mini/sim/Guide_slits.instr", m="1,6", points="3")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "parameter m=6.0 is above the allowed maximum 4.0" in page
    assert 'value="1,6"' in page and 'name="points" value="3"' in page  # the form keeps what was typed
    assert session.scalar(select(func.count()).select_from(SimulationScan)) == 0


def test_teachers_may_scan_more_points_than_students(client, auth, make_user) -> None:
    auth.login(make_user(Role.TEACHER))
    assert "2 to 201" in client.get(GUIDE).get_data(as_text=True)
    start_scan(auth, points="42", ncount="2e3", **{"lambda": "2,8.15"})


def test_a_scan_counts_as_one_active_request_against_the_students_cap(session, settings, make_user) -> None:
    student = make_user()
    scan_range = find_scan(load_instrument(settings, "Guide_slits.instr"), {"lambda": "2,8"}, "20", 41)
    scan, keys = submit_scan(session, settings, scan_range, user_id=student.id, role=Role.STUDENT,
                             instrument_file="Guide_slits.instr", values={"lambda": "2,8"}, ncount="1e4",
                             seed="5")  # fmt: skip
    assert len(keys) == 20 and active_requests(session, student.id) == 1
    single = {"user_id": student.id, "role": Role.STUDENT, "instrument_file": "Guide_slits.instr",
              "values": {}, "ncount": "1e4"}  # fmt: skip
    for seed in ("1", "2"):
        submit_run(session, settings, seed=seed, **single)
    assert active_requests(session, student.id) == 3
    with pytest.raises(SimulationError, match="You already have 3 runs waiting or running"):
        submit_run(session, settings, seed="9", **single)
    other, _ = submit_run(session, settings, **{**single, "user_id": make_user().id, "seed": "9"})
    assert queue_priority(session, scan_runs(session, scan)[0]) < queue_priority(session, other)


def test_recalculate_is_for_teachers_and_gives_a_fresh_seed(client, auth, make_user, session) -> None:
    auth.login(make_user())
    refused = post_run(auth, recalculate="1")
    assert "Only teachers can recalculate" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert 'name="recalculate"' not in client.get(GUIDE).get_data(as_text=True)
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert 'name="recalculate"' in client.get(GUIDE).get_data(as_text=True)
    cached = [post_run(auth) for _ in range(2)]
    first, second = (run_of(session, response) for response in cached)
    assert second.cached and second.seed == first.seed == 3
    fresh = run_of(session, post_run(auth, recalculate="1"))
    assert fresh.status == RunStatus.DONE and not fresh.cached
    assert fresh.seed != 3 and fresh.cache_key != first.cache_key
    assert fresh.summary[0]["I"] != first.summary[0]["I"]


@pytest.fixture
def never_cached_course(session, tmp_path) -> str:
    """The mini course with ``cache: never`` on its Guide_slits entry."""
    folder = tmp_path / "mini"
    shutil.copytree(DATA / "courses" / "mini", folder)
    course_file = folder / "course.yaml"
    course_file.write_text(course_file.read_text() + "    cache: never\n")
    import_course(session, folder)
    session.commit()
    return "/courses/mini/sim/Guide_slits.instr"


def test_a_never_cached_exercise_never_reuses_a_result(client, auth, make_user, session, never_cached_course):
    auth.login(make_user())
    form = client.get(never_cached_course).get_data(as_text=True)
    assert 'name="seed"' not in form and "never taken from the cache" in form
    runs = [post_run(auth, path=never_cached_course, seed="1") for _ in range(2)]
    first, second = (run_of(session, response) for response in runs)
    assert first.status == second.status == RunStatus.DONE and not second.cached
    assert first.seed != second.seed and first.cache_key != second.cache_key
    # the same instrument outside the course is cached as usual
    outside = [post_run(auth, seed="1") for _ in range(2)]
    assert run_of(session, outside[1]).cached


def test_an_unknown_cache_setting_is_reported_with_file_and_line(tmp_path) -> None:
    shutil.copytree(DATA / "courses" / "mini", tmp_path / "mini")
    course_file = tmp_path / "mini" / "course.yaml"
    course_file.write_text(course_file.read_text() + "    cache: sometimes\n")
    with pytest.raises(ContentError) as caught:
        check_course(tmp_path / "mini")
    [problem] = caught.value.problems
    assert problem.path == "mini/course.yaml" and problem.line > 1
    assert "simulation Guide_slits.instr: cache must be always or never, not 'sometimes'" in problem.message


def test_neutron_counts_in_scientific_notation(client, auth, make_user, session) -> None:
    auth.login(make_user())
    run_url = post_run(auth, ncount="2.5E+05", m="0").headers["Location"]
    assert session.get(SimulationRun, int(run_url.rsplit("/", 1)[1])).ncount == 250_000
    page = client.get(run_url).get_data(as_text=True)
    assert "<dd>2.5e+05, seed 3</dd>" in page
    files = numbers(page, r'href="/sim/runs/\d+/files/([^"]+)"')
    assert {"mccode.sim", "psd.dat", "lambda.dat", "divergence.dat"} <= set(files)


def test_cli_scan_writes_a_folder_per_point_and_mccode_dat(tmp_path: Path) -> None:
    out = tmp_path / "scan"
    guide = str(SIMULATIONS / "Guide_slits.instr")
    result = CliRunner().invoke(sim, ["run", guide, "lambda=2,6", "dlambda=0.5", "-N", "3", "-n", "1E+04",
                                      "-s", "4", "-d", str(out), "--engine", "embedded"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert all((out / str(point) / "mccode.sim").exists() for point in range(3))
    table = (out / "mccode.dat").read_text()
    assert "# type: multiarray_1d(3)" in table and "# filename: mccode.dat" in table
    assert [line.split()[0] for line in table.splitlines() if not line.startswith("#")] == ["2", "4", "6"]
    assert "Param: lambda=4.0" in (out / "1" / "mccode.sim").read_text()
    refused = CliRunner().invoke(sim, ["run", str(SIMULATIONS / "Guide_slits.instr"), "lambda=2", "-N", "3",
                                       "-d", str(tmp_path / "x")])  # fmt: skip
    assert refused.exit_code != 0 and "Scan points: give one parameter a range" in refused.output


def test_a_waiting_scan_shows_its_progress_and_can_be_cancelled(client, auth, make_user, session, settings):
    student = make_user()
    scan_range = find_scan(load_instrument(settings, "Guide_slits.instr"), {"m": "1,3"}, "3", 41)
    scan, _ = submit_scan(session, settings, scan_range, user_id=student.id, role=Role.STUDENT,
                          instrument_file="Guide_slits.instr", values={"m": "1,3"}, ncount="1e4",
                          seed="5")  # fmt: skip
    session.commit()  # recorded, not queued: the points wait
    auth.login(student)
    page_url = f"/sim/scans/{scan.id}"
    status = client.get(page_url + "/status").get_json()
    assert status == {"status": "queued", "progress": 0.0, "label": "0 of 3 points done", "finished": False}
    html = client.get(page_url).get_data(as_text=True)
    assert 'data-status-url="/sim/scans/' in html and "<caption>Points</caption>" in html
    assert auth.post(page_url + "/cancel", form_page=page_url).status_code == 302
    assert {run.status for run in scan_runs(session, scan)} == {RunStatus.CANCELLED}
    html = client.get(page_url).get_data(as_text=True)
    assert "Finished: 0 of 3 points have results" in html and "3 points failed or were cancelled" in html
