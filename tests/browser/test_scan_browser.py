"""A student in Chromium scans a parameter: progress, overview plot and table, a point, the zip."""

import re
import zipfile

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

STUDENT = ("scanner@example.org", "scanner password 1")


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_scan_a_parameter_end_to_end(page, live_server, tmp_path) -> None:
    live_server.elearn("users", "create", "--email", STUDENT[0], "--name", "Sam Scanner", "--role", "student",
                       "--password", STUDENT[1])  # fmt: skip
    sign_in(page, *STUDENT)
    page.goto("/sim")
    page.get_by_role("link", name="Guide_slits").click()
    page.get_by_label("lambda [AA]", exact=True).fill("2,8")
    page.get_by_label("dlambda [AA]").fill("0.5")
    page.get_by_label("Scan points").fill("6")
    page.get_by_label("Neutrons").fill("3e5")
    page.get_by_label("Seed").fill("21")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url("**/sim/scans/*")
    assert page.locator("h1").inner_text().startswith("Scan #")
    assert " of 6 points done" in page.locator("#status-text").inner_text()  # live progress first
    page.wait_for_selector("text=Download the whole scan (zip)", timeout=90_000)
    section = page.locator("#scan-lambda_mon")
    svgs = section.locator(".iplot-svg")
    expect(svgs).to_have_count(2)  # integrated intensity, and the centroid below it
    assert section.locator("img").count() == 0  # the PNG is only for readers without JavaScript
    intensity = section.locator(".iplot").first
    svg = intensity.locator(".iplot-svg")
    svg.scroll_into_view_if_needed()
    page.mouse.move(*centre(intensity.locator(".iplot-series circle").nth(2)))  # lambda = 4.4
    readout = intensity.locator(".iplot-readout")
    table = page.get_by_role("table", name="lambda_mon at each point of the scan")
    intensity_text = table.locator("tbody tr").nth(2).locator("td").nth(1).inner_text()  # e.g. 5.755e+10
    expect(readout).to_contain_text(f"lambda [AA] = 4.4: {intensity_text} ± ")
    assert re.search(r" ± [-+.e\d]+ · run #\d+$", readout.inner_text()), readout.inner_text()
    intensity.get_by_label("log").check()
    assert svg.get_attribute("data-scale") == "log"
    description = page.locator("#" + svg.get_attribute("aria-describedby")).inner_text()
    assert "at 6 points from 2 to 8" in description
    intensity.get_by_text("Data table").click()
    assert intensity.locator(".iplot-table tbody tr").count() == 6
    assert table.locator("tbody tr").count() == 6
    assert table.locator("tbody tr").nth(2).locator("td").first.inner_text() == "4.4"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the whole scan (zip)").click()
    path = tmp_path / "scan.zip"
    download_info.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert any(name.endswith("/scan.dat") for name in names)
    assert any(name.endswith("/5/mccode.sim") for name in names)
    table.get_by_role("link", name="#2").click()
    page.wait_for_url("**/sim/runs/*")
    assert "point 2 of scan #" in page.content() and "lambda=4.4" in page.content()
    page.go_back()
    svg.scroll_into_view_if_needed()
    page.mouse.click(*centre(intensity.locator(".iplot-series circle").nth(3)))  # opens that point's run
    page.wait_for_url("**/sim/runs/*")
    assert "point 3 of scan #" in page.content() and "lambda=5.6" in page.content()
