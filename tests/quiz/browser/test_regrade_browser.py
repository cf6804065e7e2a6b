"""A teacher corrects a tolerance in the quiz editor, regrades and sets a score the student sees
(the command-line correction is covered in tests/quiz/test_quiz_editor.py)."""

import re


def test_teacher_corrects_in_the_editor_regrades_and_overrides_a_score(
    student_page, teacher_page
) -> None:
    page = student_page
    page.goto("/courses/mini/quizzes/waves")
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url(re.compile(r".*/quiz/attempts/\d+$"))
    speed = float(re.search(r"<mn>(\d+)</mn>", page.content()).group(1))
    page.locator('input[name="q-wavelength-value"]').fill(f"{3956 / speed * 1.03:.5f} AA")  # 3 % off
    page.get_by_label("zero").check()
    page.get_by_role("button", name="Submit and finish").click()
    page.wait_for_url(re.compile(r".*/review$"))
    review_url = page.url
    assert "Score: 1 / 3" in page.locator("main").inner_text()

    teacher = teacher_page
    teacher.goto("/courses/mini/quizzes/waves")
    teacher.get_by_role("link", name="Edit", exact=True).click()
    editor = teacher.get_by_label(re.compile("Quiz file waves.yaml"))
    editor.fill(editor.input_value().replace("tolerance: 1%", "tolerance: 5%"))
    teacher.get_by_label("What did you change?").fill("3 % is close enough")
    teacher.get_by_role("button", name="Save").click()
    teacher.wait_for_url(re.compile(r".*/quizzes/waves/regrade$"))
    assert "Saved version 2. Attempts on older versions" in teacher.locator(".flashes").inner_text()
    preview = teacher.locator("main").inner_text()
    assert "graded with the rules of version 2" in preview and "1 → 3" in preview and "Sam Student" in preview
    teacher.get_by_role("button", name="Apply").click()
    assert "1 attempts changed" in teacher.locator("body").inner_text()  # the flash message
    assert "regrade (rules of version 2)" in teacher.locator("table.history").inner_text()

    teacher.goto(review_url)
    assert "Score: 3 / 3" in teacher.locator("main").inner_text()
    form = teacher.locator("form.override").nth(1)  # the second question: the charge
    form.get_by_label("Score for question 2").fill("0.5")
    form.get_by_label("Comment").fill("Half a point off: the unit was missing in your working.")
    form.get_by_role("button", name="Set score").click()
    assert "Score: 2.5 / 3" in teacher.locator("main").inner_text()

    page.goto(review_url)
    text = page.locator("main").inner_text()
    assert "Score: 2.5 / 3" in text
    assert "Score set by your teacher: Half a point off: the unit was missing in your working." in text
    assert page.locator("form.override").count() == 0
