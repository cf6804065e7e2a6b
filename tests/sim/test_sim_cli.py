"""`elearn sim run` / `elearn sim params` through click's test runner (the real commands)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from elearn.sim.cli import sim
from elearn.sim.mccode_reader import read_output

SIMULATIONS = Path(__file__).parents[2] / "simulations"


def test_params_lists_the_form():
    result = CliRunner().invoke(sim, ["params", str(SIMULATIONS / "Guide_slits.instr")])
    assert result.exit_code == 0, result.output
    assert "m " in result.output and "Supermirror m-value" in result.output


def test_run_writes_mcstas_output_and_prints_a_summary(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(sim, [
        "run", str(SIMULATIONS / "Guide_slits.instr"), "-n", "2e4", "-s", "42",
        "-d", str(out), "--engine", "embedded", "m=3", "guide_length=5"])
    assert result.exit_code == 0, result.output
    assert "embedded engine: 20000 rays, seed 42" in result.output
    assert "psd" in result.output and "I=" in result.output
    assert {m.component for m in read_output(out)} == {"psd", "lambda_mon", "divergence"}
    assert "Param: m=3.0" in (out / "mccode.sim").read_text()


def test_run_refuses_bad_parameters_before_running(tmp_path):
    result = CliRunner().invoke(sim, [
        "run", str(SIMULATIONS / "Guide_slits.instr"), "-n", "1e3", "-d", str(tmp_path / "x"),
        "--engine", "embedded", "m=2;rm"])
    assert result.exit_code != 0
    assert "parameter m: '2;rm' is not a number" in result.output
    assert not (tmp_path / "x").exists()
    bad_n = CliRunner().invoke(sim, ["run", str(SIMULATIONS / "Guide_slits.instr"),
                                     "-n", "1.5", "-d", str(tmp_path / "y")])
    assert bad_n.exit_code != 0 and "whole number" in bad_n.output
