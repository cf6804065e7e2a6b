"""How long the plot JSON of each monitor takes to build and how large it is (medians of 20).

    .venv/bin/python bench/plot_data.py
"""

import json
import statistics
import tempfile
import time
from pathlib import Path

from elearn.sim.engines import select_engine
from elearn.sim.instrument import parse_instrument
from elearn.sim.mccode_reader import read_output
from elearn.sim.parameters import validate_parameters
from elearn.sim.plotdata import comparison, monitor_data

ROOT = Path(__file__).parents[1]

for name in ("Guide_slits.instr", "SANS_spheres.instr"):
    instrument = parse_instrument(ROOT / "simulations" / name)
    with tempfile.TemporaryDirectory() as folder:
        params = validate_parameters(instrument, {})
        select_engine("embedded").run(instrument, params, 100_000, 1, Path(folder) / "a")
        for monitor in read_output(Path(folder) / "a"):
            times = []
            for _ in range(20):
                start = time.perf_counter()
                text = json.dumps(monitor_data(monitor))
                times.append(time.perf_counter() - start)
            start = time.perf_counter()
            compared = json.dumps(comparison([("a", monitor), ("b", monitor)]))
            both = time.perf_counter() - start
            shape = "x".join(map(str, monitor.intensity.shape))
            median = statistics.median(times) * 1000
            print(f"{name:20} {monitor.component:12} {shape:8} monitor JSON {len(text) / 1024:7.1f} KiB "
                  f"{median:6.1f} ms; two overlaid {len(compared) / 1024:7.1f} KiB {both * 1000:6.1f} ms")
