"""A student in headless Chromium takes a quiz with a simulation question, end to end."""

import re


def test_take_a_simulation_quiz_with_autosave_and_review(student_page) -> None:
    page = student_page
    page.goto("/courses/mini/quizzes/bragg-sim")
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url(re.compile(r".*/quiz/attempts/\d+$"))
    assert "Powder_diffractometer.instr" in page.locator(".simulation").inner_text()
    answer = page.locator('input[name="q-peak-value"]')
    answer.fill("47.0 deg")
    page.locator(".save-state", has_text="Saved at").wait_for()  # autosaved by quiz.js
    page.reload()
    assert page.locator('input[name="q-peak-value"]').input_value() == "47.0 deg"
    page.get_by_label("+e").check()
    page.locator(".save-state", has_text="Saved at").wait_for()
    page.get_by_role("button", name="Submit and finish").click()
    page.wait_for_url(re.compile(r".*/review$"))
    review = page.locator("main").inner_text()
    assert "Score: 2 / 3" in review  # the peak within tolerance of the reference run, charge wrong
    assert "That is the proton." in review
    assert re.search(r"Correct answer: 4\d\.\d+ deg \(± [\d.]+ statistical\)", review)
