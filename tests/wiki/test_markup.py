"""Rendering: maths, numbered equations, cross-links, figures, TOC and sanitising."""

from elearn.wiki.markup import Links, outline_of, render

BRAGG = outline_of("## Powder patterns\n\n$$\nn\\lambda = 2d\\sin\\theta\n$$ (bragg)\n", "Bragg", "bragg")


def links(assets: frozenset[str] = frozenset({"figures/a.svg"})) -> Links:
    return Links(
        outlines={"bragg": BRAGG},
        page_url=lambda slug: f"/c/pages/{slug}",
        asset_url=lambda name: f"/c/{name}" if name in assets else None,
    )


def test_numbered_equations_and_references() -> None:
    body = "$$\na\n$$ (first)\n\n$$\nb\n$$ (second)\n\nSee [[eq:second]] and [[Bragg#eq:bragg]].\n"
    page = render(body, title="T", slug="t", links=links())
    assert page.problems == []
    assert page.outline.equations == {"first": 1, "second": 2}
    assert '<div class="equation" id="eq-second">' in page.html
    assert '<span class="equation-number">(2)</span>' in page.html
    assert '<a class="wikilink" href="#eq-second" rel="noopener noreferrer">(2)</a>' in page.html
    assert 'href="/c/pages/bragg#eq-bragg"' in page.html and "Bragg, Eq. (1)" in page.html


def test_section_links_and_display_text() -> None:
    page = render(
        "[[Bragg#Powder patterns]] and [[bragg|the Bragg page]]", title="T", slug="t", links=links()
    )
    assert 'href="/c/pages/bragg#powder-patterns"' in page.html
    assert ">the Bragg page</a>" in page.html
    assert page.problems == []


def test_broken_links_are_problems_with_line_numbers() -> None:
    body = "intro\n\n[[Nowhere]]\n\n[[Bragg#No such section]]\n\n[[Bragg#eq:none]] [[eq:missing]]\n"
    page = render(body, title="T", slug="t", links=links(), first_line=5)
    assert [(p.line, p.message.split(":")[0]) for p in page.problems] == [
        (7, "broken link [[Nowhere]]"),
        (9, "broken link [[Bragg#No such section]]"),
        (11, "broken link [[Bragg#eq"),
        (11, "broken link [[eq"),
    ]
    assert '<span class="broken-link">' in page.html


def test_inline_maths_error_reports_its_own_line() -> None:
    page = render(
        "first line $x$\nsecond line $\\frac{a$\n", title="T", slug="t", links=links(), first_line=10
    )
    assert [(p.line, p.message) for p in page.problems] == [(11, "unbalanced braces: 1 '{' not closed")]


def test_toc_and_unique_heading_anchors() -> None:
    page = render("## Intro\n\n### Detail\n\n## Intro\n", title="T", slug="t", links=links())
    assert [(e["level"], e["anchor"]) for e in page.toc] == [(2, "intro"), (3, "detail"), (2, "intro-2")]
    assert '<h2 id="intro-2">' in page.html


def test_level_one_heading_is_a_problem() -> None:
    page = render("# Title again\n", title="T", slug="t", links=links())
    assert page.problems[0].message.startswith("use ## for sections")


def test_lone_image_becomes_figure_and_missing_file_is_a_problem() -> None:
    page = render(
        "![Caption *here*](figures/a.svg)\n\n![Gone](figures/b.png)\n", title="T", slug="t", links=links()
    )
    assert '<figure><img src="/c/figures/a.svg" alt="Caption here" loading="lazy">' in page.html
    assert "<figcaption>Caption here</figcaption>" in page.html
    assert [p.message for p in page.problems] == [
        "figure file 'figures/b.png' not found in the course folder"
    ]


def test_tables_and_code_render() -> None:
    page = render(
        "| a | b |\n|--:|---|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n", title="T", slug="t", links=links()
    )
    assert '<th style="text-align:right">a</th>' in page.html
    assert '<code class="language-python">print(1)\n</code>' in page.html


def test_script_and_event_handlers_are_removed() -> None:
    body = (
        '<script>alert("x")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
        '[click](javascript:alert(1)) <a href="javascript:alert(2)">a</a>\n\n'
        '<div style="position:fixed">x</div> <iframe src="https://evil.example"></iframe>\n'
    )
    html = render(body, title="T", slug="t", links=links()).html
    for forbidden in ("<script", 'alert("x")', "onerror", 'href="javascript', "<iframe", "position:fixed"):
        assert forbidden not in html
    assert '<a rel="noopener noreferrer">a</a>' in html  # the link survives without its script


def test_search_text_holds_words_and_maths() -> None:
    page = render("Neutrons *scatter*.\n\n$$\nq = 4\\pi\n$$\n", title="T", slug="t", links=links())
    assert "Neutrons" in page.text and "q = 4\\pi" in page.text
