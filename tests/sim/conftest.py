"""Fixtures for the simulation tests: write a small instrument, run the embedded engine."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from elearn.sim.engines.embedded import run
from elearn.sim.instrument import parse_instrument
from elearn.sim.mccode_output import MonitorData
from elearn.sim.parameters import validate_parameters


@pytest.fixture
def write_instr(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write instrument text (dedented) to tmp_path/name.instr and return the path."""

    def write(text: str, name: str = "test") -> Path:
        path = tmp_path / f"{name}.instr"
        path.write_text(textwrap.dedent(text))
        return path

    return write


@pytest.fixture
def run_instr(tmp_path: Path, write_instr) -> Callable[..., dict[str, MonitorData]]:
    """Run instrument text with the embedded engine; monitors by component name."""
    counter = iter(range(1000))

    def go(text: str, values: dict | None = None, ncount: int = 200_000,
           seed: int = 1) -> dict[str, MonitorData]:
        path = write_instr(text)
        instrument = parse_instrument(path)
        params = validate_parameters(instrument, values or {})
        outdir = tmp_path / f"out{next(counter)}"
        monitors, _ = run(instrument, params, ncount, seed, outdir)
        return {m.component: m for m in monitors}

    return go
