"""The shipped demo course is valid, complete and cross-linked."""

from pathlib import Path

from elearn.courses.importer import check_course

DEMO = Path(__file__).parents[2] / "courses" / "intro-neutron-scattering"


def test_demo_course_is_valid_with_at_least_eight_linked_pages() -> None:
    source, rendered = check_course(DEMO)
    assert source.title == "Introduction to neutron scattering"
    assert len(source.pages) >= 8
    for page in source.pages:
        html = rendered[page.slug].html
        assert html.count('class="wikilink"') >= 2, f"{page.file} links to fewer than 2 places"
        assert "<math" in html, f"{page.file} has no maths"


def test_demo_course_covers_the_syllabus() -> None:
    source, _ = check_course(DEMO)
    titles = " ".join(page.title.lower() for page in source.pages)
    for topic in ("neutron", "scattering", "bragg", "small-angle", "inelastic", "instrument", "mcstas"):
        assert topic in titles, f"no page about {topic}"
