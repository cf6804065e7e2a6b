"""LaTeX checks: what a reader would see broken is an error for the author."""

import pytest

from elearn.wiki.maths import LatexError, latex_to_mathml


def test_fraction_becomes_mathml_fraction() -> None:
    mathml = latex_to_mathml(r"E = \frac{h^2}{2 m \lambda^2}", display=True)
    assert 'display="block"' in mathml
    assert "<mfrac>" in mathml and "&#x003BB;" in mathml  # lambda


def test_inline_maths_is_inline() -> None:
    assert 'display="inline"' in latex_to_mathml(r"\hbar\omega", display=False)


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\frac{a", "unbalanced braces"),
        (r"a}", "unbalanced braces"),
        (r"\foo x", r"unknown LaTeX command \foo"),
        (r"\begin{aligned} a &= b", r"\begin{aligned} is not closed"),
        (r"\begin{aligned} a \end{matrix}", "does not match"),
        (r"\left( x", r"1 \left but 0 \right"),
        (r"x^", "cannot render"),
        (r"a \label{x}", r"\label is not supported"),
    ],
)
def test_broken_latex_is_refused_with_reason(tex: str, reason: str) -> None:
    with pytest.raises(LatexError, match=reason.replace("\\", "\\\\").replace("(", r"\(")):
        latex_to_mathml(tex, display=False)


def test_escaped_braces_are_not_counted() -> None:
    assert "<mo" in latex_to_mathml(r"\{ x \}", display=False)
