"""Simulation questions: the student runs an instrument inside the question and answers with a
number read from a monitor; the reference comes from a (cached) reference run.

Authored: ``instrument`` (a file in ``simulations/``), ``set`` (instrument parameters: numbers
or formulas of the question's drawn parameters), ``student`` (parameters the student chooses,
with their range), ``monitor``, ``quantity`` (see sim_quantities.QUANTITIES), optional
``reduce: radial`` for 2D monitors and ``axis`` (a formula of ``x``, the bin centre, and the
instrument parameters), ``x_power`` (weight the intensity by x^n, 4 for a Porod plot).
Import checks that the instrument, its parameters and the monitor exist. The tolerance is
widened by ``sigmas`` times the combined statistical error of the reference and of the
student's own run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elearn.courses.yaml_lines import LineDict
from elearn.quiz.formulas import Formula, FormulaError
from elearn.quiz.numeric import Units, format_value, read_units
from elearn.quiz.question_types import Variant, register_question_type
from elearn.quiz.randomise import typical_values
from elearn.quiz.sim_quantities import QUANTITIES, Measured
from elearn.quiz.spec import Grade, Question, Reader, Tolerance, read_formula, read_tolerance
from elearn.sim.instrument import Instrument, InstrumentError, parse_instrument

SIMULATIONS = Path(__file__).resolve().parents[2] / "simulations"
MAX_NCOUNT = 10**8


@dataclass
class StudentParameter:
    low: float
    high: float
    default: float


@dataclass
class SimulationQuestion(Question):
    instrument: str  # file name in the simulations folder
    fixed: dict[str, Formula]  # instrument parameter -> value as a formula of drawn values
    student: dict[str, StudentParameter]
    ncount: int
    monitor: str
    quantity: str
    reduce: str | None
    axis: Formula | None
    smooth: int
    x_power: float
    units: Units
    tolerance: Tolerance
    defaults: dict[str, float]  # the instrument's numeric defaults, for the axis formula

    def instrument_parameters(
        self, values: dict[str, float], chosen: dict[str, Any]
    ) -> dict[str, float]:
        """The run's parameters: fixed/drawn ones, then the student's (clamped to their range)."""
        parameters = {name: formula(values) for name, formula in self.fixed.items()}
        for name, spec in self.student.items():
            try:
                value = float(chosen.get(name, spec.default))
            except (TypeError, ValueError):
                value = spec.default
            parameters[name] = (
                min(spec.high, max(spec.low, value)) if math.isfinite(value) else spec.default
            )
        return parameters

    def axis_function(self, parameters: dict[str, float]):
        if self.axis is None:
            return None
        formula = self.axis
        names = {**self.defaults, **parameters}
        return lambda xs: [formula({**names, "x": float(x)}) for x in xs]


def find_instrument(name: str, course_folder: Path | None = None) -> Path | None:
    """``name`` (with or without .instr) in the course's or the platform's simulations folder."""
    file = name if name.endswith(".instr") else f"{name}.instr"
    if "/" in file or "\\" in file or file.startswith("."):
        return None
    for folder in ([course_folder / "simulations"] if course_folder else []) + [SIMULATIONS]:
        if (folder / file).is_file():
            return folder / file
    return None


class SimulationType:
    name = "simulation"
    keys = {
        "instrument",
        "set",
        "student",
        "ncount",
        "monitor",
        "quantity",
        "reduce",
        "axis",
        "smooth",
        "x_power",
        "unit",
        "units",
        "energy_equivalents",
        "tolerance",
    }

    def parse(self, raw: LineDict, base: Question, reader: Reader) -> SimulationQuestion | None:
        instrument = self._instrument(raw, reader)
        names = {p.name for p in instrument.parameters} if instrument else set()
        fixed = self._fixed(raw, base, names, instrument, reader)
        student = self._student(raw, names, instrument, reader)
        monitor = str(raw.get("monitor") or "")
        if instrument is not None:
            monitors = {c.name for c in instrument.components if "monitor" in c.type.lower()}
            if monitor not in monitors:
                reader.problem(
                    raw.line_of("monitor"),
                    f"monitor: {instrument.name} has no monitor {monitor!r} "
                    f"(monitors: {', '.join(sorted(monitors)) or 'none'})",
                )
        quantity = str(raw.get("quantity") or "")
        if quantity not in QUANTITIES:
            reader.problem(
                raw.line_of("quantity"), f"quantity: expected one of {', '.join(QUANTITIES)}"
            )
        reduce = raw.get("reduce")
        if reduce not in (None, "radial"):
            reader.problem(raw.line_of("reduce"), "reduce: the only reduction is radial")
        axis = None
        if raw.get("axis") is not None:
            axis = read_formula(raw["axis"], raw.line_of("axis"), reader, names | {"x"}, "axis")
        ncount = raw.get("ncount", 10**6)
        if (
            isinstance(ncount, bool)
            or not isinstance(ncount, int | float)
            or not 1 <= ncount <= MAX_NCOUNT
        ):
            reader.problem(
                raw.line_of("ncount"), f"ncount: expected a number of rays up to {MAX_NCOUNT:.0e}"
            )
            ncount = 10**6
        smooth = raw.get("smooth", 1)
        if not isinstance(smooth, int) or isinstance(smooth, bool) or not 1 <= smooth <= 15:
            reader.problem(
                raw.line_of("smooth"), "smooth: expected a whole number of bins from 1 to 15"
            )
            smooth = 1
        x_power = raw.get("x_power", 0)
        if (
            isinstance(x_power, bool)
            or not isinstance(x_power, int | float)
            or not 0 <= x_power <= 4
        ):
            reader.problem(raw.line_of("x_power"), "x_power: expected a number from 0 to 4")
            x_power = 0
        units = read_units(raw, reader)
        tolerance = read_tolerance(
            raw.get("tolerance"), raw.line_of("tolerance"), reader, units.unit
        )
        if instrument is None:
            return None
        return SimulationQuestion(
            **vars(base),
            instrument=Path(instrument.path).name,
            fixed=fixed,
            student=student,
            ncount=int(ncount),
            monitor=monitor,
            quantity=quantity,
            reduce=reduce,
            axis=axis,
            smooth=smooth,
            x_power=float(x_power),
            units=units,
            tolerance=tolerance,
            defaults={
                p.name: float(p.default)
                for p in instrument.parameters
                if isinstance(p.default, int | float)
            },
        )

    def _instrument(self, raw: LineDict, reader: Reader) -> Instrument | None:
        name = raw.get("instrument")
        path = find_instrument(str(name), reader.course_folder) if isinstance(name, str) else None
        if path is None:
            reader.problem(
                raw.line_of("instrument"),
                f"instrument: no instrument file {name!r} in simulations/",
            )
            return None
        try:
            return parse_instrument(path)
        except InstrumentError as error:
            reader.problem(raw.line_of("instrument"), f"instrument: {error}")
            return None

    def _fixed(
        self,
        raw: LineDict,
        base: Question,
        names: set[str],
        instrument: Instrument | None,
        reader: Reader,
    ) -> dict[str, Formula]:
        given = raw.get("set") or LineDict()
        if not isinstance(given, LineDict):
            reader.problem(
                raw.line_of("set"), "set: expected a mapping of instrument parameter: value"
            )
            return {}
        fixed = {}
        values = _typical(base)
        for name, value in given.items():
            at = given.line_of(name)
            if instrument is not None and name not in names:
                reader.problem(
                    at,
                    f"set: {instrument.name} has no parameter {name!r} "
                    f"(parameters: {', '.join(sorted(names))})",
                )
                continue
            formula = read_formula(value, at, reader, set(base.parameters), f"set {name}")
            if formula is None:
                continue
            if values is not None:
                try:
                    formula(values)
                except FormulaError as error:
                    reader.problem(at, f"set {name}: {error}")
            fixed[name] = formula
        return fixed

    def _student(
        self, raw: LineDict, names: set[str], instrument: Instrument | None, reader: Reader
    ) -> dict[str, StudentParameter]:
        given = raw.get("student") or LineDict()
        if not isinstance(given, LineDict):
            reader.problem(
                raw.line_of("student"),
                "student: expected a mapping of parameter: {min, max, default}",
            )
            return {}
        chosen = {}
        for name, spec in given.items():
            at = given.line_of(name)
            if instrument is not None and name not in names:
                reader.problem(at, f"student: {instrument.name} has no parameter {name!r}")
                continue
            if not isinstance(spec, LineDict) or not all(
                isinstance(spec.get(k), int | float) for k in ("min", "max")
            ):
                reader.problem(at, f"student {name}: expected {{min, max, default}}")
                continue
            default = spec.get("default", (spec["min"] + spec["max"]) / 2)
            if not spec["min"] <= default <= spec["max"]:
                reader.problem(at, f"student {name}: default must lie between min and max")
                continue
            chosen[name] = StudentParameter(float(spec["min"]), float(spec["max"]), float(default))
        return chosen

    def grade(
        self, question: SimulationQuestion, variant: Variant, response: dict[str, Any]
    ) -> Grade:
        reference = variant.extra.get("reference")
        if reference is None:
            return Grade(
                None,
                (
                    "The reference simulation has not run yet; "
                    "this answer will be graded when it has.",
                ),
            )
        return grade_measured(
            question.units,
            question.tolerance,
            Measured(**reference),
            variant.extra.get("student_run"),
            response,
        )

    def correct_answer(self, question: SimulationQuestion, variant: Variant) -> str:
        reference = variant.extra.get("reference")
        if reference is None:
            return "(reference simulation pending)"
        measured = Measured(**reference)
        value = format_value(measured.value, question.units.unit)
        return f"{value} (± {measured.error:.2g} statistical)"


def grade_measured(
    units: Units,
    tolerance: Tolerance,
    reference: Measured,
    student_run: dict[str, float] | None,
    response: dict[str, Any],
) -> Grade:
    """Full credit within the tolerance widened by the runs' combined standard error."""
    text = str(response.get("value") or "").strip()
    if not text:
        return Grade(0.0, ("No answer was given.",))
    given, why = units.to_question_unit(text)
    if given is None:
        return Grade(0.0, (why,))
    sigma = math.hypot(reference.error, (student_run or {}).get("error", 0.0))
    if tolerance.accepts(given, reference.value, sigma):
        return Grade(1.0)
    return Grade(0.0)


def _typical(base: Question) -> dict[str, float] | None:
    try:
        return typical_values(base.parameters)
    except FormulaError:
        return None


register_question_type(SimulationType())
