"""The safe C-expression evaluator and the DECLARE/INITIALIZE statement runner."""

from __future__ import annotations

import math

import pytest

from elearn.sim.expressions import ExpressionError, evaluate_text
from elearn.sim.statements import StatementError, run_block


@pytest.mark.parametrize("text, expected", [
    ("1e-3*2", 2e-3), ("2.5f + 1", 3.5), ("7/2", 3), ("-7/2", -3), ("7.0/2", 3.5),
    ("7 % 3", 1), ("1 ? 2 : 3", 2), ("0 ? 2 : 1 ? 4 : 5", 4), ("!0 && 3 > 2", 1),
    ("(1 || 0) + (2 == 2) + (2 != 2)", 2), ("-(-3)", 3), ("sqrt(16)+pow(2,3)", 12.0),
    ("atan2(1, 1)*RAD2DEG", 45.0), ("fmax(1, fmin(5, 3))", 3.0), ("(double)3/2", 1.5),
    ("PI", math.pi), ("DEG2RAD*180", math.pi), ("K2V*V2K", 1.0), ('"abc"', "abc"),
])
def test_evaluates_c_expressions(text, expected):
    assert evaluate_text(text, {}) == pytest.approx(expected) if not isinstance(
        expected, str) else evaluate_text(text, {}) == expected


def test_names_come_from_the_environment():
    assert evaluate_text("lambda*2 + n", {"lambda": 1.5, "n": 1}) == 4.0


@pytest.mark.parametrize("text", [
    "__import__('os')", "open('x')", "x.y", "a[1]", "system(\"ls\")", "1 +", "(1",
    "undefined_name", "exec", "1; 2",
])
def test_refuses_anything_outside_the_subset(text):
    with pytest.raises(ExpressionError):
        evaluate_text(text, {})


def test_declare_and_initialize_blocks():
    env = {"lambda": 6.0}
    run_block("double a = 2, b;\nint n;\n", 10, env, declare=True)
    run_block("""
      if (lambda > 5) { a = lambda*2; b = 1; } else a = 0;
      n = 7/2;
      a += 1; b *= 4;
      if (0) undefined_thing = 3;
    """, 20, env, declare=False)
    assert env == {"lambda": 6.0, "a": 13.0, "b": 4.0, "n": 3}


@pytest.mark.parametrize("code, line", [
    ("\n\nfor (i=0;i<3;i++) x = 1;", 3), ("x = 1;", 1), ("printf(\"hi\");", 1),
    ("double a;\ndouble b[3];", 2),
])
def test_statement_refusals_name_the_line(code, line):
    env = {}
    with pytest.raises(StatementError) as err:
        run_block(code, 1, env, declare=False)
    assert err.value.line == line
