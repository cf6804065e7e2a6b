"""Regenerate the simulated data sets of the notebook exercises with elearn's embedded McStas
engine (a few minutes of CPU), then rerun make_notebooks.py to embed them:
``.venv/bin/python courses/intro-neutron-scattering/notebooks/make_data.py``.

- data/sans_spheres_iq.dat: radial average of the 2D detector of simulations/SANS_spheres.instr
  (R = 100 AA spheres) at tighter collimation than the default, q (1/AA) from the nominal
  wavelength.
- data/si_powder_pattern.dat: the nine silicon reflections reachable at lambda = 1.8 AA, one
  Powder_diffractometer.instr run each (Powder1 holds one reflection), summed per 2theta bin.
- data/tof_spectrum.dat: not simulated but exact theory: counts per time bin of a Maxwellian
  moderator at TOF_TEMPERATURE seen TOF_DISTANCE away after an instantaneous pulse, with Poisson
  noise (seeded).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import constants

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEED = 20261125

SANS_PARAMS = {"lambda": 6, "L_coll": 4, "r_pinhole1": 0.01, "r_pinhole2": 0.005, "R": 100,
               "L_det": 5}
SANS_RAYS = "8e7"
DETECTOR_HALF_WIDTH = 0.3  # m, PSD_monitor xwidth/2 in SANS_spheres.instr
RADIAL_BINS = (0.02, 0.3, 30)  # m: from the beam-stop radius to the detector edge, bins

SI_A = 5.4310  # AA, silicon lattice parameter at room temperature
SI_B2 = 4.1491**2 / 100  # barn, b^2 of Si (b = 4.1491 fm)
POWDER_LAMBDA = 1.8  # AA
POWDER_RAYS = "1e7"
# (hkl label, h^2+k^2+l^2, multiplicity): diamond reflections with 2theta < 170 deg at 1.8 AA;
# (511) and (333) share d and are summed (24 + 8).
SI_REFLECTIONS = [("111", 3, 8), ("220", 8, 12), ("311", 11, 24), ("400", 16, 6),
                  ("331", 19, 24), ("422", 24, 24), ("511/333", 27, 32), ("440", 32, 12),
                  ("531", 35, 48)]

TOF_TEMPERATURE = 335.0  # K, effective moderator temperature (a warm water moderator)
TOF_DISTANCE = 20.0  # m, moderator to detector
TOF_BINS = (1000.0, 25000.0, 25.0)  # us: first bin start, last bin end, width
TOF_PEAK_COUNTS = 20000  # expected counts in the highest bin


def run_instrument(instr: str, params: dict, rays: str, seed: int, outdir: Path) -> None:
    assignments = [f"{k}={v}" for k, v in params.items()]
    subprocess.run([sys.executable, "-m", "elearn", "sim", "run", str(ROOT / "simulations" / instr),
                    *assignments, "-n", rays, "-s", str(seed), "-d", str(outdir),
                    "--engine", "embedded"], check=True, cwd=ROOT)


def read_blocks(path: Path) -> list[np.ndarray]:
    """The numeric blocks of a McStas text monitor file, in file order (I, I_err, N)."""
    blocks: list[list[list[float]]] = []
    for line in path.read_text().splitlines():
        if line.startswith(("# Data", "# Errors", "# Events")):
            blocks.append([])
        elif line.strip() and not line.startswith("#"):
            blocks[-1].append([float(v) for v in line.split()])
    return [np.array(block) for block in blocks]


def radial_average(path: Path, wavelength: float, distance: float) -> np.ndarray:
    """Rows (q [1/AA], I, dI) averaged over pixels in rings of the square 2D detector."""
    intensity, error, _events = read_blocks(path)
    n = intensity.shape[0]
    edges = np.linspace(-DETECTOR_HALF_WIDTH, DETECTOR_HALF_WIDTH, n + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    radius = np.hypot(*np.meshgrid(centres, centres)).ravel()
    r_min, r_max, bins = RADIAL_BINS
    ring_edges = np.linspace(r_min, r_max, bins + 1)
    ring = np.digitize(radius, ring_edges) - 1
    rows = []
    for k in range(bins):
        inside = ring == k
        pixels = inside.sum()
        r = 0.5 * (ring_edges[k] + ring_edges[k + 1])
        q = 4 * np.pi / wavelength * np.sin(0.5 * np.arctan(r / distance))
        rows.append((q, intensity.ravel()[inside].sum() / pixels,
                     np.sqrt((error.ravel()[inside] ** 2).sum()) / pixels))
    return np.array(rows)


def simulate_sans(work: Path) -> None:
    run_instrument("SANS_spheres.instr", SANS_PARAMS, SANS_RAYS, SEED, work / "sans")
    rows = radial_average(work / "sans" / "detector.dat", SANS_PARAMS["lambda"],
                          SANS_PARAMS["L_det"])
    header = ("Radial average of the detector of simulations/SANS_spheres.instr, embedded engine,\n"
              f"{SANS_RAYS} rays, seed {SEED}, "
              + " ".join(f"{k}={v}" for k, v in SANS_PARAMS.items())
              + "\nq [1/AA]  I [n/s per pixel]  dI")
    np.savetxt(HERE / "data" / "sans_spheres_iq.dat", rows, fmt="%.5g", header=header)


def simulate_powder(work: Path) -> None:
    total = err2 = None
    for offset, (label, n2, multiplicity) in enumerate(SI_REFLECTIONS):
        params = {"lambda": POWDER_LAMBDA, "d_spacing": round(SI_A / np.sqrt(n2), 5),
                  "j": multiplicity, "F2": round((32 if n2 % 2 else 64) * SI_B2, 4)}
        outdir = work / f"powder_{n2}"
        run_instrument("Powder_diffractometer.instr", params, POWDER_RAYS, SEED + offset, outdir)
        columns = np.loadtxt(outdir / "banana.th")  # th, I, I_err, N
        theta, intensity, error = columns[:, 0], columns[:, 1], columns[:, 2]
        total = intensity if total is None else total + intensity
        err2 = error**2 if err2 is None else err2 + error**2
        print(f"({label}) d = {params['d_spacing']} AA done", file=sys.stderr)
    header = ("Silicon, simulations/Powder_diffractometer.instr, embedded engine, lambda = "
              f"{POWDER_LAMBDA} AA,\none run of {POWDER_RAYS} rays per reflection "
              f"(a = {SI_A} AA), seed {SEED}+k, summed\n2theta [deg]  I [n/s per bin]  dI")
    np.savetxt(HERE / "data" / "si_powder_pattern.dat",
               np.column_stack([theta, total, np.sqrt(err2)]), fmt="%.5g", header=header)


def make_tof_spectrum() -> None:
    """Counts per time bin = flux per unit wavelength (lambda^-5 exp(-a/lambda^2), a =
    h^2/(2 m_n k_B T)) times the constant bin width in wavelength, with Poisson noise."""
    start, stop, width = TOF_BINS
    t_us = np.arange(start + width / 2, stop, width)
    wavelength = constants.h * t_us * 1e-6 / (constants.m_n * TOF_DISTANCE) * 1e10  # AA
    a = constants.h**2 / (2 * constants.m_n * constants.k * TOF_TEMPERATURE) * 1e20  # AA^2
    shape = wavelength**-5 * np.exp(-a / wavelength**2)
    counts = np.random.default_rng(SEED).poisson(TOF_PEAK_COUNTS * shape / shape.max())
    header = (f"Maxwellian moderator T = {TOF_TEMPERATURE} K, L = {TOF_DISTANCE} m, exact theory "
              f"with Poisson noise (seed {SEED})\nt [us] (bin centre, width {width} us)  counts")
    np.savetxt(HERE / "data" / "tof_spectrum.dat", np.column_stack([t_us, counts]),
               fmt=["%.1f", "%d"], header=header)


def main() -> None:
    which = set(sys.argv[1:]) or {"sans", "powder", "tof"}
    with tempfile.TemporaryDirectory() as tmp:
        if "sans" in which:
            simulate_sans(Path(tmp))
        if "powder" in which:
            simulate_powder(Path(tmp))
    if "tof" in which:
        make_tof_spectrum()


if __name__ == "__main__":
    main()
