"""Numeric answers with tolerance and units; the reference may be a formula of drawn values.

The student may write any unit of the question's dimension ("5 AA" = "0.5 nm"); energies also
as THz, K or cm^-1 when the question sets ``energy_equivalents: true``; with ``units:`` only the
listed ones are accepted. No unit written means the question's unit. ``partial:`` lists other
answers worth some credit (e.g. a forgotten factor 2) with their own feedback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elearn.courses.yaml_lines import LineDict, LineList
from elearn.quiz.formulas import Formula, FormulaError
from elearn.quiz.question_types import Variant, register_question_type
from elearn.quiz.randomise import typical_values
from elearn.quiz.spec import (
    Grade,
    Question,
    Reader,
    Tolerance,
    as_list,
    check_keys,
    read_formula,
    read_fraction,
    read_text,
    read_tolerance,
    read_unit,
)
from elearn.quiz.units import UnitError, canonical_unit, compatible, convert, parse_quantity


@dataclass
class NumericAnswer:
    formula: Formula  # value in the question's unit
    tolerance: Tolerance
    credit: float
    feedback: str


@dataclass
class Units:
    unit: str  # the question's unit ("" for a pure number)
    accepted: tuple[str, ...]  # empty: any unit of the same dimension
    energy_equivalents: bool

    def to_question_unit(self, text: str) -> tuple[float | None, str]:
        """The answer in the question's unit, or (None, why it cannot be read)."""
        try:
            quantity = parse_quantity(text)
        except UnitError as error:
            return None, f"Could not read {text!r}: {error}."
        if not quantity.unit or not self.unit:
            if quantity.unit and quantity.unit not in ("1",):
                return None, f"This answer is a pure number; remove the unit {quantity.unit}."
            return quantity.value, ""
        if self.accepted and quantity.unit not in self.accepted:
            return None, f"Give the answer in one of: {', '.join(self.accepted)}."
        try:
            return convert(quantity.value, quantity.unit, self.unit, self.energy_equivalents), ""
        except UnitError:
            return None, f"{quantity.unit} is not a unit of this quantity ({self.unit})."


@dataclass
class NumericQuestion(Question):
    answers: list[NumericAnswer]  # the first is the correct answer (100%)
    units: Units

    def reference(self, values: dict[str, float]) -> float:
        return self.answers[0].formula(values)


def read_units(raw: LineDict, reader: Reader) -> Units:
    unit = read_unit(raw.get("unit"), raw.line_of("unit"), reader)
    energy = raw.get("energy_equivalents", False)
    if not isinstance(energy, bool):
        reader.problem(
            raw.line_of("energy_equivalents"), "energy_equivalents: expected true or false"
        )
        energy = False
    accepted: list[str] = []
    listed = raw.get("units")
    if listed is not None:
        if not isinstance(listed, list) or not listed:
            reader.problem(raw.line_of("units"), "units: expected a list of accepted units")
            listed = []
        for name in listed:
            try:
                name = canonical_unit(str(name))
            except UnitError as error:
                reader.problem(raw.line_of("units"), f"units: {error}")
                continue
            if unit and not compatible(name, unit, energy):
                reader.problem(raw.line_of("units"), f"units: {name} cannot be converted to {unit}")
            accepted.append(name)
        if unit and unit not in accepted:
            accepted.insert(0, unit)
    return Units(unit, tuple(accepted), energy)


class NumericType:
    name = "numeric"
    keys = {"answer", "tolerance", "unit", "units", "energy_equivalents", "partial"}

    def parse(self, raw: LineDict, base: Question, reader: Reader) -> NumericQuestion | None:
        units = read_units(raw, reader)
        known = set(base.parameters)
        answer = read_formula(raw.get("answer"), raw.line_of("answer"), reader, known, "answer")
        tolerance = read_tolerance(
            raw.get("tolerance"), raw.line_of("tolerance"), reader, units.unit
        )
        if answer is None:
            return None
        answers = [NumericAnswer(answer, tolerance, 1.0, "")]
        partial = raw.get("partial")
        items: LineList | None = None
        if partial is not None:
            items = as_list(partial, raw.line_of("partial"), reader, "partial")
        for index, item in enumerate(items or []):
            line = items.line_of(index) if items else raw.line
            if not isinstance(item, LineDict):
                reader.problem(line, "partial: expected {answer, credit, tolerance, feedback}")
                continue
            check_keys(
                item, {"answer", "credit", "tolerance", "feedback"}, reader, "partial answer"
            )
            formula = read_formula(
                item.get("answer"), item.line_of("answer"), reader, known, "answer"
            )
            credit = read_fraction(item.get("credit"), item.line_of("credit"), reader, "credit")
            item_tolerance = (
                read_tolerance(item.get("tolerance"), item.line_of("tolerance"), reader, units.unit)
                if "tolerance" in item
                else tolerance
            )
            if formula is not None and credit is not None:
                answers.append(
                    NumericAnswer(
                        formula, item_tolerance, credit, read_text(item, "feedback", reader, False)
                    )
                )
        question = NumericQuestion(**vars(base), answers=answers, units=units)
        check_evaluates(question, raw, reader)
        return question

    def grade(self, question: NumericQuestion, variant: Variant, response: dict[str, Any]) -> Grade:
        return grade_number(question.answers, question.units, variant.values, response)

    def correct_answer(self, question: NumericQuestion, variant: Variant) -> str:
        return format_value(question.reference(variant.values), question.units.unit)


def grade_number(
    answers: list[NumericAnswer],
    units: Units,
    values: dict[str, float],
    response: dict[str, Any],
    sigma: float = 0.0,
) -> Grade:
    """The best credit among ``answers`` that accept the response's value."""
    text = str(response.get("value") or "").strip()
    if not text:
        return Grade(0.0, ("No answer was given.",))
    given, why = units.to_question_unit(text)
    if given is None:
        return Grade(0.0, (why,))
    for answer in sorted(answers, key=lambda a: -a.credit):
        expected = answer.formula(values)
        if answer.tolerance.accepts(given, expected, sigma):
            return Grade(answer.credit, (answer.feedback,) if answer.feedback else ())
    return Grade(0.0)


def check_evaluates(question: NumericQuestion, raw: LineDict, reader: Reader) -> None:
    """Evaluate every answer formula once with mid-range values, so errors show at import."""
    try:
        values = typical_values(question.parameters)
    except FormulaError as error:
        reader.problem(raw.line_of("parameters"), f"parameters: {error}")
        return
    for answer in question.answers:
        try:
            answer.formula(values)
        except FormulaError as error:
            reader.problem(raw.line_of("answer"), f"answer: {error}")


def format_value(value: float, unit: str) -> str:
    return f"{value:.4g} {unit}".strip()


register_question_type(NumericType())
