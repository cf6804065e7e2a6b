"""Exam readiness of simulation questions: the finite set of instrument parameter sets a quiz
can ask for, so every reference run can be computed before the exam starts.

A simulation question whose instrument parameters depend on drawn values needs either a
variant pool (``variants: N``: at most N sets) or draws with few possible values (choices and
stepped ranges whose product is at most MAX_POOL); a continuous range would give every student
their own reference run at submission time.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from elearn.quiz.randomise import (
    SHARED_DRAW,
    Derived,
    ParameterSpec,
    RandomChoice,
    RandomRange,
    Shared,
    draw_values,
    value_count,
    variant_seed,
)
from elearn.quiz.simulation import SimulationQuestion

MAX_POOL = 500


@dataclass(frozen=True)
class ParameterSet:
    """One instrument parameter set a simulation question needs; ``label`` says where from."""

    label: str
    values: dict[str, float]  # the question's drawn values
    parameters: dict[str, float]  # the instrument's, students' choices at their defaults


def drawn_inputs(question: SimulationQuestion) -> list[str]:
    """The drawn (not derived) parameters the instrument's ``set`` formulas depend on."""
    needed = set().union(*(formula.names for formula in question.fixed.values()))
    for name in reversed(list(question.parameters)):
        spec = _plain(question.parameters[name])
        if name in needed and isinstance(spec, Derived):
            needed |= spec.formula.names
    return [
        name
        for name, spec in question.parameters.items()
        if name in needed and isinstance(_plain(spec), RandomRange | RandomChoice)
    ]


def pool_size(question: SimulationQuestion) -> float:
    return math.prod(value_count(question.parameters[name]) for name in drawn_inputs(question))


def pool_problem(question: Any, variants: int) -> str | None:
    """Why ``question`` is not exam-ready (None when it is, or is no simulation question)."""
    if not isinstance(question, SimulationQuestion) or variants:
        return None
    size = pool_size(question)
    if size <= MAX_POOL:
        return None
    inputs = ", ".join(drawn_inputs(question))
    why = "a continuous range" if math.isinf(size) else f"{size:.0f} combinations"
    return (
        f"its instrument parameters depend on drawn values ({inputs}: {why}), so each student "
        f"could need a reference simulation of their own, run while the exam is on. Set "
        f"`variants: N` on the quiz (at most N value sets, pre-computed on the Exam readiness "
        f"page) or use choices/stepped ranges with at most {MAX_POOL} combinations"
    )


def parameter_sets(quiz_key: str, question: SimulationQuestion, shared: dict[str, ParameterSpec],
                   variants: int) -> list[ParameterSet]:  # fmt: skip
    """Every distinct instrument parameter set the question can ask for, in a stable order."""
    found: dict[tuple[tuple[str, float], ...], ParameterSet] = {}
    for label, values in _value_sets(quiz_key, question, shared, variants):
        parameters = question.instrument_parameters(values, {})
        found.setdefault(tuple(sorted(parameters.items())), ParameterSet(label, values, parameters))
    return list(found.values())


def _value_sets(quiz_key: str, question: SimulationQuestion, shared: dict[str, ParameterSpec],
                variants: int) -> list[tuple[str, dict[str, float]]]:  # fmt: skip
    if variants:
        sets = []
        for variant in range(variants):
            seed = variant_seed(quiz_key, variant)
            drawn = draw_values(shared, seed, SHARED_DRAW)
            sets.append((f"variant {variant}", draw_values(question.parameters, seed, question.id, drawn)))
        return sets
    inputs = drawn_inputs(question)
    choices = [_possible(_plain(question.parameters[name])) for name in inputs]
    sets = []
    for combination in itertools.product(*choices):
        given = dict(zip(inputs, combination, strict=True))
        values: dict[str, float] = {}
        for name, spec in question.parameters.items():
            plain = _plain(spec)
            if name in given:
                values[name] = given[name]
            elif isinstance(plain, Derived):
                values[name] = plain.formula(values)
            elif isinstance(plain, RandomRange | RandomChoice):
                values[name] = plain.midpoint()  # does not reach the instrument
            else:
                values[name] = float(plain)
        label = ", ".join(f"{name} = {value:.4g}" for name, value in given.items()) or "fixed"
        sets.append((label, values))
    return sets


def _possible(spec: ParameterSpec) -> list[float]:
    if isinstance(spec, RandomChoice):
        return sorted(set(spec.choices))
    assert isinstance(spec, RandomRange)
    if not spec.step:
        return [spec.low]  # min == max: the only value (a real range is refused above)
    count = int(math.floor((spec.high - spec.low) / spec.step + 1e-9))
    return [float(f"{spec.low + i * spec.step:.12g}") for i in range(count + 1)]


def _plain(spec: ParameterSpec) -> ParameterSpec:
    return spec.spec if isinstance(spec, Shared) else spec
