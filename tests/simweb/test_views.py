"""Simulation pages through the web app, with the queue in immediate mode (the job runs inline)."""

import io
import re
import zipfile

from elearn.auth.models import Role

RUN_GUIDE = "/sim/Guide_slits.instr/runs"


def start_run(auth, ncount: str = "2e4", **values: str):
    data = {"ncount": ncount, "seed": "3", **{f"p:{name}": value for name, value in values.items()}}
    return auth.post(RUN_GUIDE, data, form_page="/sim/Guide_slits.instr")


def test_instrument_list_and_parameter_form(client) -> None:
    listing = client.get("/sim").get_data(as_text=True)
    for name in ("SANS_spheres", "Powder_diffractometer", "Guide_slits"):
        assert f'href="/sim/{name}.instr"' in listing
    form = client.get("/sim/Guide_slits.instr").get_data(as_text=True)
    assert 'name="p:m"' in form and "Sign in</a> to run" in form
    assert client.get("/sim/missing.instr").status_code == 404


def test_run_then_see_summary_plots_files_and_zip(client, auth, make_user) -> None:
    auth.login(make_user())
    response = start_run(auth, m="2")
    assert response.status_code == 302
    run_page = response.headers["Location"]
    html = client.get(run_page).get_data(as_text=True)
    assert "Intensity per monitor" in html and "psd" in html
    plot = re.search(r'<img src="(/sim/runs/\d+/plots/psd.png)"', html).group(1)
    image = client.get(plot)
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert client.get(plot + "?scale=log").data.startswith(b"\x89PNG")
    assert client.get(plot + "?scale=cubic").status_code == 400
    archive = zipfile.ZipFile(io.BytesIO(client.get(run_page + "/download.zip").data))
    names = {name.split("/")[-1] for name in archive.namelist()}
    assert "mccode.sim" in names and any(name.endswith(".dat") for name in names)
    data_file = re.search(r'href="(/sim/runs/\d+/files/[^"]+\.dat)"', html).group(1)
    assert b"# Format: McCode" in client.get(data_file).data or b"# Format:" in client.get(data_file).data
    assert client.get(run_page + "/files/..%2Fsecret").status_code == 404


def test_bad_input_shows_a_clear_message_and_keeps_values(client, auth, make_user) -> None:
    auth.login(make_user())
    response = start_run(auth, m="lots")
    assert response.status_code == 302 and "m=lots" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "parameter m: &#39;lots&#39; is not a number" in page
    assert 'value="lots"' in page


def test_runs_are_private_to_their_owner_and_teachers(client, auth, make_user) -> None:
    auth.login(make_user())
    run_page = start_run(auth).headers["Location"]
    auth.post("/auth/logout")
    auth.login(make_user())
    assert client.get(run_page).status_code == 404
    assert client.get(run_page + "/download.zip").status_code == 404
    auth.post("/auth/logout")
    auth.login(make_user(Role.TEACHER))
    assert client.get(run_page).status_code == 200


def test_anonymous_users_cannot_run(client) -> None:
    response = client.post(RUN_GUIDE, data={"ncount": "1e3"})
    assert response.status_code in (302, 400)  # sign-in redirect, or CSRF refusal
    assert "/sim/runs/" not in response.headers.get("Location", "")


def test_status_endpoint_reports_progress(client, auth, make_user) -> None:
    auth.login(make_user())
    run_page = start_run(auth).headers["Location"]
    state = client.get(run_page + "/status").get_json()
    assert state == {"status": "done", "progress": 1.0, "message": "", "finished": True}
