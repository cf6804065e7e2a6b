"""The ```simulation block of a theory page: rendering, import errors with file and line, its routes."""

import re
import shutil
from pathlib import Path

import pytest

from elearn.courses.content import ContentError
from elearn.courses.importer import check_course, import_course

WIDGET = Path(__file__).parents[1] / "data" / "courses" / "widget"
BLOCK = (
    "instrument: Guide_slits.instr\nfixed: {guide_length: 5}\nvary: [m]\n"
    "monitors: [lambda_mon]\nncount: 2e4\n"
)


def test_the_block_renders_a_form_with_only_the_varied_parameters_editable() -> None:
    _, rendered = check_course(WIDGET)
    html = rendered["guide"].html
    widget = html[html.index('<section class="sim-widget"') :]
    assert 'data-run-url="/courses/widget/sim/Guide_slits.instr/runs"' in widget
    assert 'action="/courses/widget/sim/Guide_slits.instr"' in widget and 'method="get"' in widget
    assert 'data-monitors="lambda_mon psd"' in widget and 'data-ncount="20000"' in widget
    editable = re.findall(r'<input id="[^"]+" name="(\w+)"', widget)
    assert editable == ["m"]
    assert '<input type="hidden" name="guide_length" value="5.0"' in widget
    assert '<script src="/static/sim/widget.js" defer></script>' in widget and "csrf" not in widget


def write_page(tmp_path: Path, block: str, ranges: str = "{m: [0, 4]}") -> Path:
    course = tmp_path / "widget"
    shutil.copytree(WIDGET, course)
    (course / "course.yaml").write_text(
        (course / "course.yaml").read_text().replace("ranges: {m: [0, 4]}", f"ranges: {ranges}")
    )
    page = course / "pages" / "guide.md"
    page.write_text(page.read_text() + "\nTry it:\n\n```simulation\n" + block + "```\n")
    return course


def problems(course: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        check_course(course)
    return [str(problem) for problem in caught.value.problems]


# guide.md has 13 lines; the appended block's first YAML line is 18
@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("instrument: Missing.instr\n", "widget/pages/guide.md:18: simulation block: there is no instrument"),
        (BLOCK.replace("vary: [m]", "vary: [mm]"),
         "widget/pages/guide.md:20: simulation block: vary: the instrument has no parameter 'mm'"),
        (BLOCK.replace("monitors: [lambda_mon]", "monitors: [nothing]"),
         "widget/pages/guide.md:21: simulation block: Guide_slits.instr has no monitor 'nothing'"),
        (BLOCK.replace("fixed: {guide_length: 5}", "fixed: {guide_length: [5"),
         "widget/pages/guide.md:20: simulation block: invalid YAML"),
        (BLOCK.replace("ncount: 2e4", "ncount: lots"), "widget/pages/guide.md:22: simulation block: ncount"),
        (BLOCK + "colour: red\n", "widget/pages/guide.md:23: simulation block: unknown key 'colour'"),
        (BLOCK.replace("vary: [m]", "vary: {m: 9}"),
         "widget/pages/guide.md:18: simulation block: varied m=9.0 lies outside the course's range [0, 4]"),
        (BLOCK.replace("vary: [m]", "vary: [m, guide_length]"),
         "widget/pages/guide.md:20: simulation block: guide_length is both fixed and varied"),
    ],
)  # fmt: skip
def test_import_errors_name_file_and_line(tmp_path: Path, block: str, expected: str) -> None:
    found = problems(write_page(tmp_path, block))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_instrument_must_be_one_of_the_course_simulations(tmp_path: Path) -> None:
    found = problems(write_page(tmp_path, BLOCK.replace("Guide_slits", "SANS_spheres").replace(
        "fixed: {guide_length: 5}\nvary: [m]\nmonitors: [lambda_mon]\n", "")))  # fmt: skip
    assert found == ["widget/pages/guide.md:18: simulation block: SANS_spheres.instr is not listed under "
                     "simulations: in course.yaml"]  # fmt: skip


def test_other_fences_stay_code_and_authors_cannot_forge_a_widget(tmp_path: Path) -> None:
    course = tmp_path / "widget"
    shutil.copytree(WIDGET, course)
    page = course / "pages" / "guide.md"
    forged = "<form action='/x'><p>widget-00</p></form>"
    page.write_text(page.read_text() + f"\n```python\nprint(1)\n```\n\n{forged}\n")
    _, rendered = check_course(course)
    assert '<pre><code class="language-python">print(1)' in rendered["guide"].html
    assert rendered["guide"].html.count("<form") == 1 and "/x" not in rendered["guide"].html


def test_the_page_html_is_the_same_for_every_reader(client, auth, make_user, widget_course) -> None:
    anonymous = client.get("/courses/widget/pages/guide").get_data(as_text=True)
    auth.login(make_user())
    signed_in = client.get("/courses/widget/pages/guide").get_data(as_text=True)

    def widget(page: str) -> str:
        return page[page.index('<section class="sim-widget"') : page.index("</section>")]

    assert widget(anonymous) == widget(signed_in)


def test_form_json_gives_ranges_and_sign_in_state(client, auth, make_user, widget_course) -> None:
    url = "/courses/widget/sim/Guide_slits.instr/form.json"
    anonymous = client.get(url).get_json()
    assert anonymous == {"ranges": {"m": [0.0, 4.0]}, "signed_in": False, "csrf_token": None,
                         "login_url": "/auth/login"}  # fmt: skip
    assert client.get("/courses/widget/sim/SANS_spheres.instr/form.json").status_code == 404
    auth.login(make_user())
    info = client.get(url).get_json()
    assert info["signed_in"] is True and info["csrf_token"]


def test_the_widget_runs_through_the_course_route_and_its_ranges(
    client, auth, make_user, widget_course
) -> None:
    auth.login(make_user())
    token = client.get("/courses/widget/sim/Guide_slits.instr/form.json").get_json()["csrf_token"]
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    run = "/courses/widget/sim/Guide_slits.instr/runs"
    refused = client.post(run, data={"p:m": "9", "p:guide_length": "5", "ncount": "2e4", "seed": "1"},
                          headers=headers)  # fmt: skip
    assert refused.status_code == 400 and "above the allowed maximum 4" in refused.get_json()["error"]
    started = client.post(run, data={"p:m": "3", "p:guide_length": "5", "ncount": "2e4", "seed": "1"},
                          headers=headers).get_json()  # fmt: skip
    assert client.get(started["status_url"]).get_json()["status"] == "done"
    data = client.get(started["data_url"].replace("MONITOR", "lambda_mon")).get_json()
    assert data["name"] == "lambda_mon" and data["total"]["I"] > 0
    assert client.post(run, data={"p:m": "3", "ncount": "2e4"}, headers={"Accept": "application/json"}
                       ).status_code == 400  # no CSRF token  # fmt: skip


@pytest.fixture
def widget_course(session) -> str:
    """tests/data/courses/widget imported: one page with a simulation block."""
    import_course(session, WIDGET)
    session.commit()
    return "widget"
