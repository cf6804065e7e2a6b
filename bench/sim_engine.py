"""Embedded-engine throughput: rays/s for each shipped instrument and peak memory.

    .venv/bin/python bench/sim_engine.py            # 1e5, 1e6, 1e7 rays, median of 3
    .venv/bin/python bench/sim_engine.py --quick    # 1e5 and 1e6 only
    .venv/bin/python bench/sim_engine.py --big      # also 1e8 rays of SANS, streamed

Rays/s counts the tracing only (no file writing), by wall clock and by this process's CPU
time (the CPU figure is steadier on a shared machine); memory is the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from elearn.sim.engines.embedded import CHUNK, run_model
from elearn.sim.engines.embedded.model import build_model
from elearn.sim.instrument import parse_instrument
from elearn.sim.parameters import validate_parameters

SIMULATIONS = Path(__file__).parents[1] / "simulations"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_run(path: Path, ncount: int, seed: int) -> tuple[float, float]:
    """(wall s, CPU s) to trace ncount rays."""
    instrument = parse_instrument(path)
    model = build_model(instrument, validate_parameters(instrument, {}))
    start, cpu = time.perf_counter(), time.process_time()
    run_model(model, ncount, seed)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip 1e7")
    parser.add_argument("--big", action="store_true", help="add a 1e8-ray streaming run")
    args = parser.parse_args()
    counts = [10**5, 10**6] if args.quick else [10**5, 10**6, 10**7]
    print(f"chunk size {CHUNK} rays")
    print(
        f"{'instrument':<24}{'rays':>8}{'wall s':>9}{'rays/s':>11}{'CPU s':>8}"
        f"{'rays/CPU s':>12}{'peak RSS MB':>13}"
    )
    for path in sorted(SIMULATIONS.glob("*.instr")):
        for ncount in counts:
            repeats = 3 if ncount <= 10**6 else 1
            runs = [time_run(path, ncount, seed) for seed in range(1, repeats + 1)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(
                f"{path.stem:<24}{ncount:>8.0e}{wall:>9.2f}{ncount / wall:>11.3g}"
                f"{cpu:>8.2f}{ncount / cpu:>12.3g}{peak_rss_mb():>13.0f}"
            )
    if args.big:
        before = peak_rss_mb()
        wall, cpu = time_run(SIMULATIONS / "SANS_spheres.instr", 10**8, 1)
        print(
            f"1e8 rays SANS_spheres streamed in {wall:.0f} s wall, {cpu:.0f} s CPU "
            f"({1e8 / cpu:.3g} rays/CPU s); peak RSS {peak_rss_mb():.0f} MB "
            f"(was {before:.0f} MB before)"
        )


if __name__ == "__main__":
    main()
