"""A student in Chromium runs an instrument through the real worker, watches it, studies plots."""

from tests.browser.conftest import sign_in


def test_run_a_simulation_end_to_end(page) -> None:
    sign_in(page)
    page.goto("/sim")
    page.get_by_role("link", name="Guide_slits").click()
    page.get_by_label("m [1]").fill("3")
    page.get_by_label("Neutrons").fill("3e5")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sim/runs/*")
    page.wait_for_selector("text=Intensity per monitor", timeout=60_000)
    plot = page.locator("#plot-psd img")  # the PNG fallback: loaded, hidden by the interactive plot
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=plot.element_handle())
    assert plot.evaluate("img => img.naturalWidth") == 640
    assert "Download the McStas output" in page.content()
    first_url = page.url
    page.get_by_role("link", name="Run again with these parameters").click()
    assert page.get_by_label("m [1]").input_value() == "3.0"
    page.get_by_label("Neutrons").fill("3e5")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/sim/runs/*")
    assert page.url != first_url
    assert "an identical run was already in the cache" in page.locator(".result-line").inner_text()
