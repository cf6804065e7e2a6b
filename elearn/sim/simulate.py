"""One call from 'instrument file + text parameters' to McStas output on disk.

Used by the CLI now and by the job queue later: parse, validate (types, ranges, ncount cap),
pick the engine, run. Nothing here touches a shell or the web layer.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from .engines import RunResult, select_engine
from .instrument import InstrumentError, parse_instrument
from .parameters import Ranges, validate_parameters

MAX_NCOUNT = 10**9


def simulate(
    instrument_path: str | Path,
    values: dict[str, str],
    ncount: int,
    seed: int | None,
    outdir: str | Path,
    engine: str = "auto",
    ranges: Ranges | None = None,
    mcstas_config=None,
    max_ncount: int = MAX_NCOUNT,
    progress=None,
    cancelled=None,
) -> RunResult:
    """Validate and run; InstrumentError (file:line: message) on anything refused."""
    instrument = parse_instrument(instrument_path)
    params = validate_parameters(instrument, values, ranges)
    if not 1 <= int(ncount) <= max_ncount:
        raise InstrumentError(f"ncount must be between 1 and {max_ncount:g}", instrument.path)
    if seed is None:
        seed = secrets.randbelow(2**31 - 1) + 1
    chosen = select_engine(engine, mcstas_config)
    return chosen.run(instrument, params, int(ncount), int(seed), outdir, progress, cancelled)
