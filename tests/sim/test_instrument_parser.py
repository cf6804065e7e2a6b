"""Parsing instrument files: header, doc block, blocks, components, placement, modifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.sim.instrument import InstrumentError, parse_instrument
from elearn.sim.parameters import validate_parameters

SIMULATIONS = Path(__file__).parents[2] / "simulations"

TEXT = """/* Header
* %Parameters
* lambda: [AA] Wavelength of the beam
* n: [1] Number of things
* label: [str] Run label
* dl: Relative spread [1]
* %End
*/
DEFINE INSTRUMENT Demo(double lambda=6, int n=2, string label="run1", dl = 0.1, req,
  char *other="x")
DECLARE %{ double a; // comment %}
%}
INITIALIZE %{ a = lambda; %}
TRACE
COMPONENT origin = Arm() AT (0,0,0) ABSOLUTE
SPLIT 5 COMPONENT src = Source_simple(radius=0.01, lambda0=lambda, dlambda=dl*lambda,
    flux = fmax(1, 2))
  AT (0, 0, 1) RELATIVE origin ROTATED (0, 90, 0) RELATIVE PREVIOUS
COMPONENT mon = COPY(src)(flux=3) WHEN (a > 1) AT (0,0,1) RELATIVE PREVIOUS
  GROUP g1 EXTEND %{ x = 1; %}
END
"""


@pytest.fixture
def demo(write_instr):
    return parse_instrument(write_instr(TEXT))


def test_header_parameters_with_units_and_descriptions(demo):
    params = {p.name: p for p in demo.parameters}
    assert demo.name == "Demo"
    assert params["lambda"].type == "double" and params["lambda"].default == 6.0
    assert params["lambda"].unit == "AA"
    assert params["lambda"].description == "Wavelength of the beam"
    assert params["n"].type == "int" and params["n"].default == 2
    assert params["label"].type == "string" and params["label"].default == "run1"
    assert (params["dl"].unit, params["dl"].description) == ("1", "Relative spread")
    assert params["req"].default is None
    assert params["other"].type == "string" and params["other"].default == "x"
    assert len(demo.source_hash) == 64


def test_components_placement_and_modifiers(demo):
    origin, src, mon = demo.components
    assert (origin.type, origin.line, origin.at.relative_to) == ("Arm", 15, "ABSOLUTE")
    assert src.split == "5" and src.line == 16
    assert src.args["dlambda"] == "dl*lambda" and src.args["flux"] == "fmax(1, 2)"
    assert src.at.exprs == ("0", "0", "1") and src.at.relative_to == "origin"
    assert src.rotated.relative_to == "PREVIOUS"
    assert mon.copy_of == "src" and mon.when.strip() == "a > 1"
    assert mon.group == "g1" and mon.extend.strip() == "x = 1;"
    assert demo.declare.text.strip().startswith("double a;")


def test_errors_carry_file_and_line(write_instr):
    path = write_instr("DEFINE INSTRUMENT X()\nTRACE\nCOMPONENT a = Arm() AT (0,0) ABSOLUTE\nEND\n")
    with pytest.raises(InstrumentError) as err:
        parse_instrument(path)
    assert str(err.value) == f"{path}:3: AT needs three coordinates"


@pytest.mark.parametrize("name", ["SANS_spheres", "Powder_diffractometer", "Guide_slits"])
def test_shipped_instruments_parse_with_documented_parameters(name):
    instrument = parse_instrument(SIMULATIONS / f"{name}.instr")
    assert instrument.parameters
    for param in instrument.parameters:
        assert param.default is not None, param.name
        assert param.unit and param.description, param.name
    validate_parameters(instrument, {})


@pytest.fixture
def header(write_instr):
    return parse_instrument(write_instr(
        'DEFINE INSTRUMENT V(double x=1, int n=2, string f="a")\nTRACE\n'
        'COMPONENT a = Arm() AT (0,0,0) ABSOLUTE\nEND\n'))


def test_validate_converts_types_and_fills_defaults(header):
    assert validate_parameters(header, {"x": "2.5e-1", "n": "7", "f": "data-1.dat"}) == {
        "x": 0.25, "n": 7, "f": "data-1.dat"}
    assert validate_parameters(header, {}) == {"x": 1.0, "n": 2, "f": "a"}


@pytest.mark.parametrize("values, ranges, message", [
    ({"x": "abc"}, None, "parameter x: 'abc' is not a number"),
    ({"x": "nan"}, None, "parameter x: 'nan' is not a number"),
    ({"x": "1e400"}, None, "parameter x: '1e400' is not finite"),
    ({"n": "2.5"}, None, "parameter n: '2.5' is not an integer"),
    ({"y": "1"}, None, "unknown parameter 'y'"),
    ({"f": "a; rm -rf /"}, None, "parameter f: string"),
    ({"f": "$(id)"}, None, "parameter f: string"),
    ({"x": "1; system()"}, None, "is not a number"),
    ({"x": "5"}, {"x": (0, 2)}, "parameter x=5.0 is above the allowed maximum 2"),
    ({"n": "-1"}, {"n": (0, None)}, "parameter n=-1 is below the allowed minimum 0"),
])
def test_validate_refuses_bad_input(header, values, ranges, message):
    with pytest.raises(InstrumentError) as err:
        validate_parameters(header, values, ranges)
    assert message in str(err.value)
