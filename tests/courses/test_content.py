"""Course folders: every kind of authoring mistake is reported with its file and line."""

import shutil
from pathlib import Path

import pytest

from elearn.courses.content import ContentError
from elearn.courses.importer import check_course

MINI = Path(__file__).parents[1] / "data" / "courses" / "mini"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        check_course(folder)
    return [str(problem) for problem in caught.value.problems]


def test_valid_course_reads_in_order(course: Path) -> None:
    source, rendered = check_course(course)
    assert source.title == "Mini course"
    assert [m.title for m in source.modules] == ["Basics", "More"]
    assert [p.slug for p in source.pages] == ["waves", "bragg", "sans"]
    assert [a.name for a in source.assets] == ["figures/speed.svg"]
    assert source.pages[0].body_line == 5
    assert rendered["waves"].outline.equations == {"energy": 1}


def test_bad_yaml_in_course_file_names_line(course: Path) -> None:
    (course / "course.yaml").write_text("title: Mini\nmodules:\n  - title: [unclosed\n")
    [problem] = problems(course)
    assert problem.startswith("mini/course.yaml:3: invalid YAML")


def test_bad_yaml_in_front_matter_names_line(course: Path) -> None:
    page = course / "pages" / "bragg.md"
    page.write_text(page.read_text().replace("summary: Bragg's law", "summary: [Bragg's law"))
    found = problems(course)
    assert found[0].startswith("mini/pages/bragg.md:3: invalid YAML")
    # the page could not be read, so links to it are reported as broken too
    assert (
        "mini/pages/waves.md:15: broken link [[Bragg diffraction#eq:bragg]]: "
        "no page titled 'Bragg diffraction'" in found
    )


def test_missing_page_file_is_named(course: Path) -> None:
    (course / "pages" / "sans.md").unlink()
    [problem] = problems(course)
    assert problem == "mini/course.yaml:7: page file pages/sans.md does not exist"


def test_broken_link_names_page_and_line(course: Path) -> None:
    page = course / "pages" / "sans.md"
    page.write_text(page.read_text() + "\nSee also [[Guides]].\n")
    assert problems(course) == ["mini/pages/sans.md:7: broken link [[Guides]]: no page titled 'Guides'"]


def test_bad_latex_names_page_and_line(course: Path) -> None:
    page = course / "pages" / "bragg.md"
    page.write_text(page.read_text().replace(r"2 d \sin\theta", r"2 d \sin\theta}"))
    assert problems(course) == ["mini/pages/bragg.md:7: unbalanced braces: '}' without '{'"]


def test_missing_front_matter_and_title(course: Path) -> None:
    (course / "pages" / "sans.md").write_text("No front matter here.\n")
    (course / "pages" / "bragg.md").write_text("---\nsummary: no title\n---\nText\n")
    found = problems(course)
    assert "mini/pages/bragg.md:1: front matter needs a title" in found
    assert "mini/pages/sans.md:1: a page starts with front matter: ---, title: ..., ---" in found


def test_duplicate_titles_are_refused(course: Path) -> None:
    page = course / "pages" / "sans.md"
    page.write_text(page.read_text().replace("title: Small-angle scattering", "title: Bragg diffraction"))
    assert problems(course) == [
        "mini/pages/sans.md:2: title 'Bragg diffraction' is also used by pages/bragg.md"
    ]


def test_all_problems_are_reported_at_once(course: Path) -> None:
    (course / "pages" / "sans.md").unlink()
    page = course / "pages" / "waves.md"
    page.write_text(page.read_text() + "\n$\\foo$ and [[Nowhere]]\n")
    assert len(problems(course)) == 3


def test_missing_course_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert problems(tmp_path / "empty") == ["empty/course.yaml:1: course file missing"]


def test_page_outside_course_folder_is_refused(course: Path) -> None:
    (course / "course.yaml").write_text(
        "title: Mini\nmodules:\n  - title: A\n    pages: [../../etc/passwd.md]\n"
    )
    assert "must be a .md file inside the course" in problems(course)[0]
