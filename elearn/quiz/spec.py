"""The parsed form of authored quizzes and the shared pieces every question type reads.

Types are plain data; ``Reader`` collects problems with file and line instead of stopping at
the first, so an author sees every mistake of a quiz file at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elearn.courses.content import ContentProblem
from elearn.courses.yaml_lines import LineDict, LineList
from elearn.quiz.formulas import Formula, FormulaError
from elearn.quiz.randomise import Derived, ParameterSpec, RandomChoice, RandomRange
from elearn.quiz.units import UnitError, canonical_unit

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Reader:
    """Collects problems for one file; ``where`` is the file as the author knows it."""

    where: str
    problems: list[ContentProblem] = field(default_factory=list)
    course_folder: Path | None = None  # for instruments shipped with the course

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.where, line, message))


@dataclass(frozen=True)
class Tolerance:
    """Accepted distance from the reference: the larger of the absolute (in the answer's unit)
    and relative allowances, widened by ``sigmas`` statistical errors when there are any."""

    absolute: float = 0.0
    relative: float = 0.0
    sigmas: float = 2.0

    def allowance(self, expected: float, sigma: float = 0.0) -> float:
        return max(self.absolute, self.relative * abs(expected)) + self.sigmas * sigma

    def accepts(self, given: float, expected: float, sigma: float = 0.0) -> bool:
        return abs(given - expected) <= self.allowance(expected, sigma) * (1 + 1e-12) + 1e-300


@dataclass
class Question:
    """Fields every question has; each type adds its own in a subclass."""

    id: str
    type: str
    text: str
    points: float
    parameters: dict[str, ParameterSpec]
    feedback: str  # general feedback, shown after answering whatever the answer
    line: int


@dataclass(frozen=True)
class Grade:
    """A graded answer: ``fraction`` of the points in [0, 1] (None while it cannot be graded),
    feedback as Markdown paragraphs."""

    fraction: float | None
    feedback: tuple[str, ...] = ()


def read_fraction(
    raw: Any, line: int, reader: Reader, what: str, allow_negative: bool = False
) -> float | None:
    """A credit written as 0.5, 50% or "50%"; None (and a problem) when invalid."""
    value: float | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*%\s*", raw):
        value = float(raw.strip().rstrip("%")) / 100
    low = -1.0 if allow_negative else 0.0
    if value is None or not low <= value <= 1.0:
        span = "-100% and 100%" if allow_negative else "0 and 100%"
        reader.problem(line, f"{what}: expected a credit between {span} (e.g. 0.5 or 50%)")
        return None
    return value


def read_tolerance(raw: Any, line: int, reader: Reader, unit: str) -> Tolerance:
    """``2%`` (relative), ``0.05`` or ``"0.05 AA"`` (absolute), or {absolute, relative, sigmas}."""
    from elearn.quiz.units import convert, parse_quantity

    if raw is None:
        return Tolerance(relative=0.01)
    if isinstance(raw, str) and raw.strip().endswith("%"):
        fraction = read_fraction(raw, line, reader, "tolerance")
        return Tolerance(relative=fraction or 0.0)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Tolerance(absolute=abs(float(raw)))
    if isinstance(raw, str):
        try:
            quantity = parse_quantity(raw)
            value = (
                convert(quantity.value, quantity.unit, unit)
                if quantity.unit and unit
                else quantity.value
            )
        except UnitError as error:
            reader.problem(line, f"tolerance: {error}")
            return Tolerance()
        return Tolerance(absolute=abs(value))
    if isinstance(raw, LineDict):
        unknown = set(raw) - {"absolute", "relative", "sigmas"}
        if unknown:
            reader.problem(raw.line, f"tolerance: unknown keys {', '.join(sorted(unknown))}")
        absolute = read_tolerance(
            raw.get("absolute", 0), raw.line_of("absolute"), reader, unit
        ).absolute
        relative = 0.0
        if "relative" in raw:
            relative = (
                read_fraction(raw["relative"], raw.line_of("relative"), reader, "relative") or 0.0
            )
        sigmas = raw.get("sigmas", 2.0)
        if isinstance(sigmas, bool) or not isinstance(sigmas, int | float) or sigmas < 0:
            reader.problem(raw.line_of("sigmas"), "sigmas: expected a number of standard errors")
            sigmas = 2.0
        return Tolerance(absolute, relative, float(sigmas))
    reader.problem(line, 'tolerance: expected 2%, 0.05, "0.05 AA" or {absolute, relative, sigmas}')
    return Tolerance()


def read_unit(raw: Any, line: int, reader: Reader) -> str:
    if raw is None or raw == "":
        return ""
    try:
        return canonical_unit(str(raw))
    except UnitError as error:
        reader.problem(line, f"unit: {error}")
        return ""


def read_parameters(
    raw: Any,
    line: int,
    reader: Reader,
    outer: dict[str, int] | None = None,
    block: str = "parameters",
) -> dict[str, ParameterSpec]:
    """``name: {min, max, step}``, ``{choices: [...]}``, a number or a formula (a string).

    ``outer``: names defined around this block (the quiz's ``random:`` values, name -> line),
    which formulas may use and which the block may not define again. A formula sees only the
    names above it, so a cycle cannot be written; it is reported as such."""
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        reader.problem(line, f"{block}: expected a mapping of name: range")
        return {}
    outer = outer or {}
    parameters: dict[str, ParameterSpec] = {}
    for name, spec in raw.items():
        at = raw.line_of(name)
        if not IDENTIFIER.match(name):
            reader.problem(at, f"parameter {name!r}: names are letters, digits and _")
            continue
        if name in outer:
            reader.problem(
                at,
                f"parameter {name}: shadows the quiz's random value {name!r} (line {outer[name]}); "
                "rename one of them (a question cannot redefine a shared value)",
            )
            continue
        if isinstance(spec, str):
            later = _names_below(spec, list(raw)[list(raw).index(name) :])
            if later:
                reader.problem(
                    at,
                    f"parameter {name}: uses {', '.join(later)} defined at or below it; values are "
                    "computed top to bottom, so move it below them (a name cannot depend on itself)",
                )
                continue
        parsed = _read_parameter(name, spec, at, reader, set(parameters) | set(outer))
        if parsed is not None:
            parameters[name] = parsed
    return parameters


def _names_below(text: str, below: list[str]) -> list[str]:
    try:
        names = Formula(text).names
    except FormulaError:
        return []  # reported by read_formula
    return [name for name in below if name in names]


def _read_parameter(
    name: str, spec: Any, at: int, reader: Reader, known: set[str]
) -> ParameterSpec | None:
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return float(spec)
    if isinstance(spec, str):
        formula = read_formula(spec, at, reader, known, f"parameter {name}")
        return Derived(formula) if formula else None
    if isinstance(spec, LineDict) and "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices or not all(_is_number(c) for c in choices):
            reader.problem(at, f"parameter {name}: choices must be a list of numbers")
            return None
        return RandomChoice(tuple(float(c) for c in choices))
    if isinstance(spec, LineDict) and {"min", "max"} <= set(spec):
        low, high, step = spec["min"], spec["max"], spec.get("step")
        if not (_is_number(low) and _is_number(high)) or low > high:
            reader.problem(at, f"parameter {name}: min and max must be numbers with min <= max")
            return None
        if step is not None and (not _is_number(step) or step <= 0):
            reader.problem(at, f"parameter {name}: step must be a positive number")
            return None
        unknown = set(spec) - {"min", "max", "step"}
        if unknown:
            reader.problem(at, f"parameter {name}: unknown keys {', '.join(sorted(unknown))}")
        return RandomRange(float(low), float(high), float(step) if step is not None else None)
    reader.problem(
        at, f"parameter {name}: expected a number, a formula, {{min, max, step}} or {{choices}}"
    )
    return None


def read_formula(
    text: Any, line: int, reader: Reader, known: set[str], what: str
) -> Formula | None:
    """A formula whose names are all known parameters or constants; None (and a problem) if not."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        reader.problem(line, f"{what}: expected a number or a formula")
        return None
    try:
        formula = Formula(str(text))
    except FormulaError as error:
        reader.problem(line, f"{what}: {error}")
        return None
    unknown = formula.unknown_names(known)
    if unknown:
        reader.problem(line, f"{what}: unknown name(s) {', '.join(sorted(unknown))} in {text!r}")
        return None
    return formula


def read_text(raw: LineDict, key: str, reader: Reader, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if (
        not isinstance(value, str | int | float)
        or isinstance(value, bool)
        or (required and not str(value).strip())
    ):
        reader.problem(raw.line_of(key), f"{key}: expected text")
        return ""
    return str(value).strip()


def check_keys(raw: LineDict, allowed: set[str], reader: Reader, what: str) -> None:
    unknown = set(raw) - allowed
    if unknown:
        reader.problem(raw.line, f"{what}: unknown keys {', '.join(sorted(unknown))}")


def as_list(raw: Any, line: int, reader: Reader, what: str) -> LineList | None:
    if not isinstance(raw, LineList) or not raw:
        reader.problem(line, f"{what}: expected a non-empty list")
        return None
    return raw


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
