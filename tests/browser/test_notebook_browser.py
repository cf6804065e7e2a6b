"""A student in Chromium solves a notebook exercise: edit the answer cell, run it, submit it."""

from tests.browser.conftest import sign_in

SOLUTION = 'def square(x):\n    """x squared."""\n    return x * x\n\nprint("square of 12 is", square(12))'


def test_edit_run_and_submit_a_notebook_exercise(page) -> None:
    sign_in(page)
    page.goto("/courses/mini")
    page.get_by_role("link", name="Squares").click()
    editor = page.get_by_label("Your code (square)")
    assert "raise NotImplementedError()" in editor.input_value()
    editor.fill(SOLUTION)
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/submissions/*")
    frame = page.frame_locator("iframe.nb-result")
    frame.locator("text=square of 12 is 144").wait_for(timeout=60_000)
    back = page.get_by_role("link", name="Back to the exercise")
    # scrolled first as a reader does: Playwright's own scroll-and-click beside the out-of-process
    # sandboxed iframe dispatched the click nowhere (no click event reached the page)
    back.scroll_into_view_if_needed()
    back.click()
    page.wait_for_url("**/notebooks/squares")
    assert "return x * x" in page.get_by_label("Your code (square)").input_value()  # kept as the draft
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_selector("text=Score:", timeout=60_000)
    assert page.locator(".score").inner_text() == "Score: 5 / 5"
    assert "test_square" in page.locator("table.data").inner_text()
