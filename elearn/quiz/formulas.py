"""Teachers' formulas for randomised answers, evaluated safely (no Python eval).

Reuses the simulation area's C-expression evaluator (``elearn.sim.expressions``) so a teacher
writes the same language in quizzes and instrument files, with one change: number literals
are real numbers here, so ``1/2`` is 0.5 (in C it would be 0). Names are the question's
parameters, the McStas constants (PI, DEG2RAD, ...) and the physical constants below (SI).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from elearn.sim.expressions import CONSTANTS, ExpressionError, evaluate, parse_expression

PHYSICS: dict[str, float] = {
    "h": 6.62607015e-34,  # J s
    "hbar": 1.054571817e-34,  # J s
    "m_n": 1.67492749804e-27,  # kg, neutron mass
    "k_B": 1.380649e-23,  # J/K
    "e_charge": 1.602176634e-19,  # C
    "meV": 1.602176634e-22,  # J per meV
    "N_A": 6.02214076e23,  # 1/mol
    "c_light": 299792458.0,  # m/s
}


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated; the message says why."""


class Formula:
    """A parsed expression; ``names`` are the free names it uses."""

    def __init__(self, text: str) -> None:
        self.text = str(text)
        try:
            self.tree = _real_numbers(parse_expression(self.text))
        except ExpressionError as error:
            raise FormulaError(str(error)) from error
        self.names = set(_names(self.tree))

    def unknown_names(self, known: set[str]) -> set[str]:
        """Names that are neither in ``known`` nor constants."""
        return {n for n in self.names if n not in known and n not in PHYSICS and n not in CONSTANTS}

    def __call__(self, values: Mapping[str, float]) -> float:
        try:
            result = evaluate(self.tree, {**PHYSICS, **values})
        except (ExpressionError, ZeroDivisionError, OverflowError, TypeError) as error:
            raise FormulaError(f"{self.text}: {error}") from error
        if isinstance(result, str):
            raise FormulaError(f"{self.text}: gives text, not a number")
        result = float(result)
        if not math.isfinite(result):
            raise FormulaError(f"{self.text}: is not finite for {dict(values)}")
        return result


def evaluate_formula(text: str | float, values: Mapping[str, float]) -> float:
    """A number as given, or a formula's value with ``values`` for its names."""
    if isinstance(text, bool):
        raise FormulaError("expected a number or a formula, not true/false")
    if isinstance(text, int | float):
        return float(text)
    return Formula(text)(values)


def _real_numbers(tree: tuple) -> tuple:
    if tree[0] == "num":
        return ("num", float(tree[1]))
    return tuple(
        _real_numbers(part)
        if isinstance(part, tuple)
        else [_real_numbers(a) for a in part]
        if isinstance(part, list)
        else part
        for part in tree
    )


def _names(tree: tuple) -> Iterator[str]:
    if tree[0] == "var":
        yield tree[1]
        return
    for part in tree[1:]:
        if isinstance(part, tuple):
            yield from _names(part)
        elif isinstance(part, list):
            for item in part:
                yield from _names(item)
