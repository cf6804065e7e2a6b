"""Interactive plots in Chromium: zoom, hover read-out, log switch, data table; overlays; the page widget."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

WIDGET_COURSE = Path(__file__).parents[1] / "data" / "courses" / "widget"


def run_guide(page, m: str, seed: str = "5") -> str:
    page.goto("/sim/Guide_slits.instr")
    page.get_by_label("m [1]").fill(m)
    page.get_by_label("Neutrons").fill("2e4")
    page.get_by_label("Seed").fill(seed)
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url("**/sim/runs/*")
    page.wait_for_selector("#plot-lambda_mon .iplot-svg", timeout=60_000)
    return page.url


def texts(locator) -> list[str]:
    """Text of SVG elements (they have no innerText)."""
    return locator.evaluate_all("nodes => nodes.map(n => n.textContent)")


def axis(svg) -> dict[str, float]:
    return svg.evaluate("s => ({x0: +s.dataset.xmin, x1: +s.dataset.xmax, scale: s.dataset.scale})")


def test_zoom_hover_log_and_data_table(page) -> None:
    sign_in(page)
    run_guide(page, "2")
    page.evaluate("window.notReloaded = true")
    figure = page.locator("#plot-lambda_mon")
    svg = figure.locator(".iplot-svg")
    svg.scroll_into_view_if_needed()
    assert axis(svg)["x0"] == 0.5 and axis(svg)["x1"] == 10
    ticks_before = texts(figure.locator(".iplot-xaxis text"))
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.8, steps=5)
    page.mouse.up()
    zoomed = axis(svg)
    assert 0.5 < zoomed["x0"] < zoomed["x1"] < 10 and zoomed["x1"] - zoomed["x0"] < 4
    assert texts(figure.locator(".iplot-xaxis text")) != ticks_before
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    readout = figure.locator(".iplot-readout").inner_text()
    assert readout.startswith("Wavelength [AA] = ") and " ± " in readout and "(N = " in readout
    svg.dblclick()
    assert axis(svg)["x0"] == 0.5
    figure.get_by_label("log").check()
    assert axis(svg)["scale"] == "log"
    assert all(t.startswith("1e") for t in texts(figure.locator(".iplot-yaxis text")))  # decades
    assert page.evaluate("window.notReloaded") is True
    description = page.locator("#" + svg.get_attribute("aria-describedby")).inner_text()
    assert "The peak" in description and "Total" in description
    figure.get_by_text("Data table").click()
    table = figure.locator("table.iplot-table")
    assert "per bin" in table.locator("caption").inner_text()
    assert table.locator("tbody tr").count() == 100 and table.locator("th[scope=row]").count() == 100
    psd = page.locator("#plot-psd")
    assert psd.locator("image.iplot-map").count() == 1 and psd.locator(".iplot-colourbar text").count() >= 2
    hit = psd.locator(".iplot-hit")
    hit.hover(position={"x": 150, "y": 150})
    expect(psd.locator(".iplot-readout")).to_contain_text("Y position [cm] = ")
    assert psd.locator("table.iplot-table").count() == 2  # sums per x bin and per y bin


def test_overlay_of_two_runs_and_the_difference(page) -> None:
    sign_in(page)
    first = run_guide(page, "1", seed="8").rsplit("/", 1)[-1]
    second = run_guide(page, "3", seed="8").rsplit("/", 1)[-1]
    page.get_by_label("Compare with").select_option(first)
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url("**/sim/compare?**")
    section = page.locator("#compare-lambda_mon")
    section.locator(".iplot-series").first.wait_for()
    assert section.locator(".iplot-overlay .iplot-series").count() == 2
    assert texts(section.locator(".iplot-legend text")) == [f"run #{second}", f"run #{first}"]
    section.get_by_role("radio", name="Difference").check()
    difference = section.locator(".iplot-difference")
    assert difference.is_visible() and not section.locator(".iplot-overlay").is_visible()
    assert f"run #{first} − run #{second}" in difference.locator(".plot-description").inner_text()
    assert page.locator("#compare-psd .iplot-overlay image.iplot-map").count() == 2


def test_inline_widget_runs_and_shows_a_plot(page, live_server, browser) -> None:
    live_server.elearn("courses", "import", str(WIDGET_COURSE))
    page.goto("/courses/widget/pages/guide")
    widget = page.locator(".sim-widget")
    widget.get_by_role("link", name="Sign in to run").wait_for()
    assert not widget.get_by_role("button", name="Run").is_visible()
    sign_in(page)
    page.goto("/courses/widget/pages/guide")
    expect(widget.locator(".help").first).to_contain_text("(0 to 4 in this course)")
    widget.get_by_label("m [1]").fill("9")
    widget.get_by_role("button", name="Run").click()
    expect(widget.locator(".sim-widget-message")).to_contain_text("above the allowed maximum 4")
    widget.get_by_label("m [1]").fill("3")
    widget.get_by_role("button", name="Run").click()
    widget.locator(".sim-widget-plots .iplot-svg").first.wait_for(timeout=60_000)
    assert widget.locator(".sim-widget-plots .iplot-svg").count() == 2
    assert widget.get_by_role("link", name="all plots and data").count() == 1
    assert page.url.endswith("/courses/widget/pages/guide")
