"""A student in Chromium scans a parameter: progress, overview plot and table, a point, the zip."""

import zipfile

from tests.browser.conftest import sign_in

STUDENT = ("scanner@example.org", "scanner password 1")


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
    plot = page.locator("#scan-lambda_mon img")
    plot.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=plot.element_handle())
    assert plot.evaluate("img => img.naturalWidth") == 640
    table = page.get_by_role("table", name="lambda_mon at each point of the scan")
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
