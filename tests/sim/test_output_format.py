"""McStas output files: our writer against real McStas files and mcstasscript's loader."""

from __future__ import annotations

from pathlib import Path

import mcstasscript
import numpy as np
import pytest
from mcstasscript.interface.functions import load_data, load_metadata

from elearn.sim.mccode_output import estimate_error
from elearn.sim.mccode_reader import read_output, read_parameters

REAL = Path(mcstasscript.__file__).parent / "tests" / "test_data_set"

INSTR = """
DEFINE INSTRUMENT fmt(double lambda=4)
TRACE
COMPONENT src = Source_simple(radius=0.01, dist=1, focus_xw=0.02, focus_yh=0.03,
    lambda0=lambda, dlambda=0.5)
  AT (0, 0, 0) ABSOLUTE
COMPONENT psd = PSD_monitor(nx=20, ny=10, filename="psd.dat", xwidth=0.04, yheight=0.06)
  AT (0, 0, 1) ABSOLUTE
COMPONENT lmon = L_monitor(nL=30, filename="l.dat", xwidth=0.04, yheight=0.06,
    Lmin=3, Lmax=5)
  AT (0, 0, 1.001) ABSOLUTE
END
"""


def test_error_estimate_matches_mcstas_definition():
    """mcestimate_error: p itself for N <= 1, else sqrt(N/(N-1) |p2 - (p/N)^2|)."""
    assert estimate_error(1, 0.5, 0.25) == 0.5
    assert estimate_error(4, 2.0, 1.0) == pytest.approx(np.sqrt(4 / 3 * (1.0 - 0.25)))


def test_reader_reads_real_mcstas_output():
    mons = {m.component: m for m in read_output(REAL)}
    lmon, psd = mons["L_mon"], mons["PSD"]
    assert lmon.intensity.shape == (150,) and lmon.limits == (0.7, 1.3)
    assert psd.intensity.shape == (200, 200)
    assert lmon.intensity.sum() == pytest.approx(0.000387878, rel=1e-4)
    assert read_parameters(REAL) == {"wavelength": "1"}


def test_our_files_have_the_mcstas_layout(run_instr, tmp_path):
    run_instr(INSTR, ncount=10_000)
    out = tmp_path / "out0"
    sim = (out / "mccode.sim").read_text()
    real_keys = [line.split(":")[0].strip() for line in (REAL / "L_mon.dat").read_text()
                 .splitlines() if line.startswith("#")]
    ours = [line.split(":")[0].strip() for line in (out / "l.dat").read_text().splitlines()
            if line.startswith("#")]
    assert ours == real_keys
    assert "begin data" in sim and "  type: array_2d(20, 10)" in sim
    psd_lines = (out / "psd.dat").read_text().splitlines()
    assert "# Data [psd/psd.dat] I:" in psd_lines
    assert "# Errors [psd/psd.dat] I_err:" in psd_lines
    assert "# Events [psd/psd.dat] N:" in psd_lines
    rows = [line for line in psd_lines if not line.startswith("#")]
    assert len(rows) == 30 and all(len(r.split()) == 20 for r in rows)


def test_round_trip_through_mcstasscript(run_instr, tmp_path):
    mons = run_instr(INSTR, ncount=20_000)
    out = tmp_path / "out0"
    loaded = {d.metadata.component_name: d for d in load_data(str(out))}
    assert {m.component_name for m in load_metadata(str(out))} == {"psd", "lmon"}
    lmon, psd = loaded["lmon"], loaded["psd"]
    assert np.allclose(lmon.Intensity, mons["lmon"].intensity, rtol=1e-9)
    assert np.allclose(lmon.Ncount, mons["lmon"].counts)
    assert np.allclose(psd.Intensity, mons["psd"].intensity.T, rtol=1e-9)
    assert np.allclose(psd.Error, mons["psd"].error_array().T, rtol=1e-9)
    assert lmon.metadata.xlabel == "Wavelength [AA]"
    assert lmon.metadata.info["Parameters"] == {"lambda": 4.0}
    ours = {m.component: m for m in read_output(out)}
    assert np.allclose(ours["psd"].intensity, mons["psd"].intensity, rtol=1e-9)
    assert ours["lmon"].totals()[0] == pytest.approx(mons["lmon"].totals()[0], rel=1e-9)
