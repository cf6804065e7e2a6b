"""The simulations a course uses: listed in its modules, run within the teacher's ranges."""

import shutil
from pathlib import Path

import pytest

from elearn.courses.content import ContentError
from elearn.courses.importer import check_course

MINI = Path(__file__).parents[1] / "data" / "courses" / "mini"


def test_course_page_lists_the_simulation_in_its_module(client, mini_course) -> None:
    page = client.get("/courses/mini").get_data(as_text=True)
    assert '<a href="/courses/mini/sim/Guide_slits.instr">Guide slits</a>' in page
    assert "/courses/mini/notebooks/squares" in page


def test_runs_in_a_course_stay_inside_its_ranges(client, auth, make_user, mini_course) -> None:
    form = client.get("/courses/mini/sim/Guide_slits.instr").get_data(as_text=True)
    assert "0 to 4 in this course" in form
    auth.login(make_user())
    refused = auth.post("/courses/mini/sim/Guide_slits.instr/runs", {"p:m": "5", "ncount": "1e4"},
                        form_page="/courses/mini/sim/Guide_slits.instr")  # fmt: skip
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "parameter m=5.0 is above the allowed maximum 4.0" in page
    accepted = auth.post("/courses/mini/sim/Guide_slits.instr/runs", {"p:m": "3", "ncount": "1e4"},
                         form_page="/courses/mini/sim/Guide_slits.instr")  # fmt: skip
    assert accepted.headers["Location"].startswith("/sim/runs/")
    run_page = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert 'href="/courses/mini/sim/Guide_slits.instr?' in run_page  # "run again" stays in the course


def test_instrument_a_course_does_not_use_is_not_found_there(client, mini_course) -> None:
    assert client.get("/courses/mini/sim/SANS_spheres.instr").status_code == 404


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - instrument: Nothing.instr\n", "simulation Nothing.instr: no such instrument"),
        (
            "  - instrument: Guide_slits.instr\n    ranges: {mm: [0, 1]}\n",
            "the instrument has no parameter 'mm'",
        ),
        (
            "  - instrument: Guide_slits.instr\n    ranges: {m: [3, 1]}\n",
            "m needs [min, max] with min <= max",
        ),
        ("  - instrument: Guide_slits.instr\n    module: Nowhere\n", "no module titled 'Nowhere'"),
    ],
)
def test_bad_simulation_entries_are_reported(tmp_path: Path, entry: str, message: str) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    course_file = tmp_path / "mini" / "course.yaml"
    text = course_file.read_text()
    course_file.write_text(text[: text.index("simulations:")] + "simulations:\n" + entry)
    with pytest.raises(ContentError) as caught:
        check_course(tmp_path / "mini")
    [problem] = caught.value.problems
    assert problem.path == "mini/course.yaml" and problem.line > 1 and message in problem.message
