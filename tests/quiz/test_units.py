"""Reading and converting the units students write."""

import pytest

from elearn.quiz.units import UnitError, canonical_unit, convert, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("5 Å", 5.0, "AA"),
        ("5AA", 5.0, "AA"),
        ("0,5 nm", 0.5, "nm"),
        ("1.2e-3 m", 1.2e-3, "m"),
        ("4 x 10^-3 m", 4e-3, "m"),
        ("  81.8 meV ", 81.8, "meV"),
        ("0.0449 1/Å", 0.0449, "AA^-1"),
        ("42", 42.0, ""),
        ("-3.5 deg", -3.5, "deg"),
    ],
)
def test_parse_quantity(text: str, value: float, unit: str) -> None:
    quantity = parse_quantity(text)
    assert quantity.value == pytest.approx(value)
    assert quantity.unit == unit


@pytest.mark.parametrize("text", ["", "five", "5 furlongs", "nm 5"])
def test_unreadable_quantities_are_refused(text: str) -> None:
    with pytest.raises(UnitError):
        parse_quantity(text)


def test_lengths_convert() -> None:
    assert convert(5, "AA", "nm") == pytest.approx(0.5)
    assert convert(1, "m", "AA") == pytest.approx(1e10)
    assert convert(2, "1/nm", "AA^-1") == pytest.approx(0.2)


def test_energy_equivalents_only_when_allowed() -> None:
    assert convert(1, "THz", "meV", energy_equivalents=True) == pytest.approx(4.1357, rel=1e-4)
    assert convert(1, "meV", "K", energy_equivalents=True) == pytest.approx(11.6045, rel=1e-4)
    assert convert(8.0655, "cm^-1", "meV", energy_equivalents=True) == pytest.approx(1.0, rel=1e-4)
    with pytest.raises(UnitError):
        convert(1, "THz", "meV")


def test_unrelated_units_do_not_convert() -> None:
    with pytest.raises(UnitError):
        convert(1, "AA", "AA^-1")
    with pytest.raises(UnitError):
        canonical_unit("parsec")
