"""Teachers' formulas: the sim area's safe evaluator, with real-number literals and constants."""

import pytest

from elearn.quiz.formulas import Formula, FormulaError, evaluate_formula


def test_literals_are_real_numbers() -> None:
    assert Formula("1/2")({}) == 0.5


def test_parameters_constants_and_functions() -> None:
    wavelength = Formula("h / (m_n * v) * 1e10")({"v": 1000.0})
    assert wavelength == pytest.approx(3.956, rel=1e-3)
    assert Formula("2*asin(lambda/(2*d))*RAD2DEG")({"lambda": 2.5, "d": 3.1356}) == pytest.approx(
        46.99, abs=0.01
    )


def test_names_and_unknown_names() -> None:
    formula = Formula("sqrt(E / 81.81) + x")
    assert formula.names == {"E", "x"}
    assert formula.unknown_names({"E"}) == {"x"}


@pytest.mark.parametrize("text", ["__import__('os')", "open(1)", "x.y", "1 +", "a[0]", "lambda: 1"])
def test_anything_but_an_expression_is_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        Formula(text)


def test_evaluation_errors_are_formula_errors() -> None:
    with pytest.raises(FormulaError):
        Formula("sqrt(-1)")({})
    with pytest.raises(FormulaError):
        Formula("1/x")({"x": 0.0})
    assert evaluate_formula(3, {}) == 3.0
