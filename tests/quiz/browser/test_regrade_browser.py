"""A teacher corrects a tolerance, regrades in the browser and sets a score the student sees."""

import os
import re
import subprocess
import sys


def test_teacher_regrades_after_a_correction_and_overrides_a_score(
    student_page, teacher_page, quiz_instance
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

    quiz_file = quiz_instance / "mini" / "quizzes" / "waves.yaml"
    quiz_file.write_text(quiz_file.read_text().replace("tolerance: 1%", "tolerance: 5%"))
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(quiz_instance),
           "ELEARN_DATABASE_URL": f"sqlite:///{quiz_instance / 'elearn.sqlite'}"}  # fmt: skip
    subprocess.run([sys.executable, "-m", "elearn", "courses", "import", str(quiz_instance / "mini")],
                   env=env, check=True, capture_output=True)  # fmt: skip

    teacher = teacher_page
    teacher.goto("/courses/mini/quizzes/waves")
    teacher.get_by_role("link", name="Regrade").click()
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
