"""A visitor in Chromium sees an instrument's layout picture, its alt text and the component positions."""


def test_instrument_page_shows_the_layout(page) -> None:
    page.goto("/sim/Powder_diffractometer.instr")
    picture = page.get_by_role("img", name="Top view (x against z)")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(),
                           timeout=60_000)  # fmt: skip
    assert picture.evaluate("img => img.naturalWidth") == 1000
    assert "instrument Powder_diffractometer: 10 components" in picture.get_attribute("alt")
    page.get_by_text("Component positions").click()
    slit = page.get_by_role("row", name="slit Slit")
    assert slit.get_by_role("cell").all_inner_texts()[1:] == ["0.6915, 0, 3.722", "0, 43.75, 0"]
