"""Physical units of numeric answers: parse "0.5 nm", convert between equivalent units.

Each unit is (dimension, factor to the dimension's base unit). Energies may also be given as
a frequency (E = h f) or a temperature (E = k_B T) when a question allows it; wavelength and
wave vector stay separate dimensions (they are not proportional).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MEV_PER_THZ = 4.135667696  # h in meV/THz
MEV_PER_KELVIN = 0.08617333262  # k_B in meV/K
MEV_PER_INVERSE_CM = 0.1239841984  # h c in meV cm

# name -> (dimension, factor to base). Bases: m, meV, THz, K, 1/AA, s, m/s, rad, barn, 1.
UNITS: dict[str, tuple[str, float]] = {
    "m": ("length", 1.0),
    "cm": ("length", 1e-2),
    "mm": ("length", 1e-3),
    "um": ("length", 1e-6),
    "µm": ("length", 1e-6),
    "nm": ("length", 1e-9),
    "AA": ("length", 1e-10),
    "Å": ("length", 1e-10),
    "Angstrom": ("length", 1e-10),
    "pm": ("length", 1e-12),
    "fm": ("length", 1e-15),
    "km": ("length", 1e3),
    "meV": ("energy", 1.0),
    "ueV": ("energy", 1e-3),
    "µeV": ("energy", 1e-3),
    "eV": ("energy", 1e3),
    "keV": ("energy", 1e6),
    "MeV": ("energy", 1e9),
    "J": ("energy", 1 / 1.602176634e-22),
    "THz": ("frequency", 1.0),
    "GHz": ("frequency", 1e-3),
    "Hz": ("frequency", 1e-12),
    "K": ("temperature", 1.0),
    "mK": ("temperature", 1e-3),
    "cm^-1": ("wavenumber", 1.0),
    "1/cm": ("wavenumber", 1.0),
    "AA^-1": ("wavevector", 1.0),
    "Å^-1": ("wavevector", 1.0),
    "1/AA": ("wavevector", 1.0),
    "1/Å": ("wavevector", 1.0),
    "nm^-1": ("wavevector", 0.1),
    "1/nm": ("wavevector", 0.1),
    "m^-1": ("wavevector", 1e-10),
    "1/m": ("wavevector", 1e-10),
    "s": ("time", 1.0),
    "ms": ("time", 1e-3),
    "us": ("time", 1e-6),
    "µs": ("time", 1e-6),
    "ns": ("time", 1e-9),
    "min": ("time", 60.0),
    "h": ("time", 3600.0),
    "m/s": ("speed", 1.0),
    "km/s": ("speed", 1e3),
    "mm/us": ("speed", 1e3),
    "rad": ("angle", 1.0),
    "mrad": ("angle", 1e-3),
    "deg": ("angle", 0.017453292519943295),
    "°": ("angle", 0.017453292519943295),
    "arcmin": ("angle", 0.017453292519943295 / 60),
    "barn": ("area", 1.0),
    "b": ("area", 1.0),
    "mbarn": ("area", 1e-3),
    "fm^2": ("area", 1e-2),
    "AA^2": ("area", 1e8),
    "m^2": ("area", 1e28),
    "cm^2": ("area", 1e24),
    "AA^3": ("volume", 1.0),
    "Å^3": ("volume", 1.0),
    "nm^3": ("volume", 1e3),
    "n/s": ("rate", 1.0),
    "1/s": ("rate", 1.0),
    "%": ("fraction", 0.01),
    "1": ("fraction", 1.0),
}

# Energy-like dimensions, each with its factor to meV.
ENERGY_LIKE = {
    "energy": 1.0,
    "frequency": MEV_PER_THZ,
    "temperature": MEV_PER_KELVIN,
    "wavenumber": MEV_PER_INVERSE_CM,
}

_ALIASES = {
    "Angstrom": "AA",
    "angstrom": "AA",
    "Å": "AA",
    "µm": "um",
    "µeV": "ueV",
    "µs": "us",
    "°": "deg",
    "degree": "deg",
    "degrees": "deg",
    "Å^-1": "AA^-1",
    "1/Å": "AA^-1",
    "1/AA": "AA^-1",
    "AA-1": "AA^-1",
    "Å-1": "AA^-1",
    "Å^3": "AA^3",
}

NUMBER = re.compile(
    r"^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:\s*[eE]\s*[+-]?\d+|\s*[x×]\s*10\^?([+-]?\d+))?)"
)


class UnitError(ValueError):
    """A unit the table does not know, or a conversion between unrelated units."""


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # canonical name, "" when the student wrote none


def canonical_unit(text: str) -> str:
    """The table's name for a unit as written ("Å" -> "AA"); UnitError when unknown."""
    name = re.sub(r"\s+", "", text.strip())
    name = _ALIASES.get(name, name)
    if name not in UNITS:
        raise UnitError(f"unknown unit {text.strip()!r}")
    return name


def convert(value: float, from_unit: str, to_unit: str, energy_equivalents: bool = False) -> float:
    """Convert ``value`` between two units of the same dimension (or energy-like ones)."""
    from_dim, from_factor = UNITS[canonical_unit(from_unit)]
    to_dim, to_factor = UNITS[canonical_unit(to_unit)]
    if from_dim == to_dim:
        return value * from_factor / to_factor
    if energy_equivalents and from_dim in ENERGY_LIKE and to_dim in ENERGY_LIKE:
        return value * from_factor * ENERGY_LIKE[from_dim] / (to_factor * ENERGY_LIKE[to_dim])
    raise UnitError(f"{from_unit} cannot be converted to {to_unit}")


def compatible(from_unit: str, to_unit: str, energy_equivalents: bool = False) -> bool:
    try:
        convert(1.0, from_unit, to_unit, energy_equivalents)
    except UnitError:
        return False
    return True


def parse_quantity(text: str) -> Quantity:
    """Read "0.5 nm", "5Å", "1,5 meV", "2.3e-3", "4 x 10^-3 m"; UnitError if unreadable."""
    match = NUMBER.match(text)
    if not match:
        raise UnitError("write a number, optionally followed by a unit")
    number_text = match.group(1).replace(",", ".").replace(" ", "")
    if match.group(2) is not None:
        mantissa = re.split(r"[x×]", number_text)[0]
        value = float(mantissa) * 10.0 ** int(match.group(2))
    else:
        value = float(number_text)
    rest = text[match.end() :].strip()
    if not rest:
        return Quantity(value, "")
    return Quantity(value, canonical_unit(rest))
