"""A teacher in headless Chromium: sign in, read maths, follow a cross-link, edit and revert."""

from tests.browser.conftest import sign_in


def test_read_page_with_rendered_maths_and_follow_cross_link(page) -> None:
    page.goto("/courses/mini/pages/waves")
    assert page.locator("h1").inner_text() == "Neutron waves"
    equation = page.locator("#eq-energy math")
    box = equation.bounding_box()
    assert box is not None and box["width"] > 40 and box["height"] > 20  # MathML laid out as a fraction
    assert page.locator("#eq-energy .equation-number").inner_text() == "(1)"
    page.get_by_role("link", name="Bragg diffraction § Powder patterns").click()
    page.wait_for_url("**/courses/mini/pages/bragg#powder-patterns")
    assert page.locator("h2#powder-patterns").is_visible()
    figure = page.goto("/courses/mini/pages/waves")
    assert figure is not None and figure.ok
    assert page.locator("figure img").evaluate("img => img.naturalWidth") == 200


def test_search_from_the_header(page) -> None:
    page.goto("/")
    page.get_by_label("Search pages").fill("crystal planes")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Bragg diffraction").click()
    assert page.locator("h1").inner_text() == "Bragg diffraction"


def test_teacher_edits_previews_saves_and_reverts(page) -> None:
    sign_in(page)
    page.goto("/courses/mini/pages/sans")
    page.get_by_role("link", name="Edit").click()
    body = page.get_by_label("Text")
    body.fill(body.input_value() + "\nThe Guinier law gives $R_g$ at small $q$.\n")
    page.get_by_role("button", name="Preview").click()
    assert "The Guinier law gives" in page.locator(".preview").inner_text()
    page.get_by_label("What did you change?").fill("mention Guinier")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/courses/mini/pages/sans")
    assert "The Guinier law gives" in page.locator(".content").inner_text()
    assert page.locator(".content math").count() >= 3
    page.get_by_role("link", name="History").click()
    assert "mention Guinier" in page.locator("table.history").inner_text()
    page.get_by_role("link", name="Changes").first.click()
    assert "+The Guinier law gives" in page.locator("pre.diff").inner_text()
    page.go_back()
    page.get_by_role("button", name="Revert to 1").click()
    page.wait_for_url("**/courses/mini/pages/sans")
    assert "Guinier" not in page.locator(".content").inner_text()
    assert "Reverted to revision 1." in page.locator(".flashes").inner_text()


def test_student_sees_no_edit_tools(page, live_server) -> None:
    page.goto("/auth/signup")
    page.get_by_label("Name").fill("Stu Dent")
    page.get_by_label("E-mail").fill("stu@example.org")
    page.get_by_label("Password").fill("student password")
    page.get_by_role("button", name="Sign up").click()
    page.goto("/courses/mini/pages/sans")
    assert page.get_by_role("link", name="Edit").count() == 0
    response = page.goto("/courses/mini/pages/sans/edit")
    assert response is not None and response.status == 403
