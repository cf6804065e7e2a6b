"""Validate user-supplied instrument parameter values before anything runs.

Values arrive as text (form fields, CLI name=value). Each is checked against the header:
known name, right type, finite, inside the teacher's range; strings only for string
parameters and only from a conservative character set, so nothing reaches C or a shell.
"""

from __future__ import annotations

import math
import re

from .instrument import Instrument, InstrumentError

FLOAT_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
INT_RE = re.compile(r"^[+-]?\d+$")
STRING_RE = re.compile(r"^[A-Za-z0-9_.+-]{0,100}$")

Ranges = dict[str, tuple[float | None, float | None]]


def _refuse(instrument: Instrument, message: str) -> InstrumentError:
    return InstrumentError(message, instrument.path, None)


def convert_value(instrument: Instrument, name: str, text) -> float | int | str:
    """Convert one value (text or number) to the parameter's type, or refuse."""
    param = instrument.parameter(name)
    if param is None:
        known = ", ".join(p.name for p in instrument.parameters) or "none"
        return_error = f"unknown parameter {name!r} (known: {known})"
        raise _refuse(instrument, return_error)
    text = str(text).strip()
    if param.type == "string":
        if not STRING_RE.match(text):
            raise _refuse(
                instrument,
                f"parameter {name}: string {text!r} may only contain "
                "letters, digits, '_', '.', '+' and '-' (max 100)",
            )
        return text
    if param.type == "int":
        if not INT_RE.match(text):
            raise _refuse(instrument, f"parameter {name}: {text!r} is not an integer")
        return int(text)
    if not FLOAT_RE.match(text):
        raise _refuse(instrument, f"parameter {name}: {text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise _refuse(instrument, f"parameter {name}: {text!r} is not finite")
    return value


def validate_parameters(
    instrument: Instrument, values: dict, ranges: Ranges | None = None
) -> dict[str, float | int | str]:
    """Return every parameter's typed value (defaults filled in); InstrumentError on bad input.

    ranges maps a parameter name to (min, max), either end None for open; both inclusive.
    """
    ranges = ranges or {}
    result: dict[str, float | int | str] = {}
    for name, text in values.items():
        if not isinstance(name, str) or not re.match(r"^[A-Za-z_]\w*$", name):
            raise _refuse(instrument, f"invalid parameter name {name!r}")
        result[name] = convert_value(instrument, name, text)
    for param in instrument.parameters:
        if param.name not in result:
            if param.default is None:
                raise _refuse(instrument, f"parameter {param.name} has no default; give a value")
            result[param.name] = param.default
        low, high = ranges.get(param.name, (None, None))
        value = result[param.name]
        if isinstance(value, str):
            continue
        if low is not None and value < low:
            raise _refuse(
                instrument,
                f"parameter {param.name}={value} is below the allowed minimum {low} {param.unit}".rstrip(),
            )
        if high is not None and value > high:
            raise _refuse(
                instrument,
                f"parameter {param.name}={value} is above the allowed maximum {high} {param.unit}".rstrip(),
            )
    return {p.name: result[p.name] for p in instrument.parameters}
