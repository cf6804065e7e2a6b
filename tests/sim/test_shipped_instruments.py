"""The instruments in simulations/ run in the embedded engine and show their physics."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from elearn.sim.engines.embedded import run
from elearn.sim.instrument import parse_instrument
from elearn.sim.parameters import validate_parameters

SIMULATIONS = Path(__file__).parents[2] / "simulations"


def run_shipped(name, values, ncount, tmp_path, seed=1):
    instrument = parse_instrument(SIMULATIONS / f"{name}.instr")
    params = validate_parameters(instrument, values)
    monitors, _ = run(instrument, params, ncount, seed, tmp_path / f"{name}-{seed}")
    return {m.component: m for m in monitors}


def centroid(mon):
    return (mon.axis(0) * mon.intensity).sum() / mon.intensity.sum()


def test_sans_selector_picks_lambda(tmp_path):
    """The selector speed follows lambda, so the incident spectrum is centred on it."""
    mons = run_shipped("SANS_spheres", {"lambda": "8"}, 200_000, tmp_path)
    assert centroid(mons["lambda_in"]) == pytest.approx(8, rel=0.02)
    assert mons["detector"].totals()[0] > 0


def test_powder_diffractometer_monochromator_and_ring(tmp_path):
    """PG(002) at A1 = asin(lambda/2 DM) reflects lambda; Si(111) rings at 2 asin(lambda/2d)."""
    mons = run_shipped("Powder_diffractometer", {}, 300_000, tmp_path)
    assert centroid(mons["lambda_mon"]) == pytest.approx(2.5, rel=0.01)
    expected = 2 * math.degrees(math.asin(2.5 / (2 * 3.1356)))
    assert centroid(mons["banana"]) == pytest.approx(expected, abs=0.5)


def test_guide_slits_supermirror_transports_more(tmp_path):
    """A 10 m guide with m=3 coating delivers more neutrons than m=0 (absorbing walls), most
    of the gain at long wavelengths where theta_c = 0.1 deg/AA * m is larger."""
    bare = run_shipped("Guide_slits", {"m": "0"}, 100_000, tmp_path)
    mirror = run_shipped("Guide_slits", {"m": "3"}, 100_000, tmp_path)
    assert mirror["psd"].totals()[0] > 5 * bare["psd"].totals()[0]
    lam = mirror["lambda_mon"].axis(0)

    def gain(low, high):
        band = (lam > low) & (lam < high)
        return (mirror["lambda_mon"].intensity[band].sum()
                / bare["lambda_mon"].intensity[band].sum())

    assert gain(7, 9) > 1.5 * gain(1.5, 3)
