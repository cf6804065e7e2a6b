"""A student in Chromium runs an instrument through the real worker, watches it, studies plots."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_run_a_simulation_end_to_end(page, browser, live_server) -> None:
    sign_in(page)
    pngs = []
    page.on("request", lambda request: pngs.append(request.url) if "/plots/" in request.url else None)
    page.goto("/sim")
    page.get_by_role("link", name="Guide_slits").click()
    page.get_by_label("m [1]").fill("3")
    page.get_by_label("Neutrons").fill("3e5")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sim/runs/*")
    page.wait_for_selector("text=Intensity per monitor", timeout=60_000)
    figure = page.locator("#plot-psd")
    expect(figure.locator(".iplot-svg")).to_be_visible()  # drawn by plot.js ...
    assert figure.locator("img").count() == 0 and pngs == []  # ... so no PNG is drawn or fetched
    expect(figure.get_by_role("link", name="log")).to_have_attribute("href", re.compile(r"/plots/psd\.png"))
    assert "Download the McStas output" in page.content()
    first_url = page.url
    without_js = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                     storage_state=page.context.storage_state())  # fmt: skip
    reader = without_js.new_page()
    reader.goto(first_url)
    image = reader.locator("#plot-psd img")  # the reader without JavaScript sees the PNG
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 640 and image.is_visible()
    without_js.close()
    page.get_by_role("link", name="Run again with these parameters").click()
    assert page.get_by_label("m [1]").input_value() == "3.0"
    page.get_by_label("Neutrons").fill("3e5")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sim/runs/*")
    assert page.url != first_url
    assert "an identical run was already in the cache" in page.locator(".result-line").inner_text()
