"""Parameter scans, as mcrun does them (``lambda=4,8 -N 5``): one run per point, one overview.

A scan is a SimulationScan row plus one SimulationRun per point, each made by ``submit_run``:
every point gets the validation, ncount cap, queue and cache of a single run, and identical
points join or reuse earlier results. Against a student's cap of active runs a whole scan
counts as one request (``runs.active_requests``); its points are queued at the priority of a
user with that many active runs, so they run behind other students' single runs.
Points are spaced as mcrun spaces them: ``low + i (high - low) / (N - 1)`` in decimal.

Overview per monitor: integrated intensity I +- E (from each run's summary) against the
scanned value and, for 1D monitors, the peak position as the intensity-weighted centroid of
the bin centres. It is kept as JSON beside its PNGs under ``<data>/sim/scans/<scan key>``,
the key being the hash of the points' result keys, so identical scans share it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.config import Settings
from elearn.sim.instrument import Instrument
from elearn.sim.models import RunStatus, SimulationRun, SimulationScan
from elearn.sim.parameters import Ranges, convert_value
from elearn.sim.runs import SimulationError, load_instrument, result_dir, submit_run

MAX_POINTS = {Role.STUDENT: 41, Role.TEACHER: 201, Role.ADMIN: 1001}
WHOLE = re.compile(r"^\s*\d+\s*$")


@dataclass(frozen=True)
class ScanRange:
    """The scanned parameter, its first and last value and the number of points (N >= 2)."""

    parameter: str
    start: float
    stop: float
    points: int
    integer: bool = False

    def values(self) -> list[float | int]:
        low, high = Decimal(repr(self.start)), Decimal(repr(self.stop))
        steps = [low + i * (high - low) / (self.points - 1) for i in range(self.points)]
        return [int(step) for step in steps] if self.integer else [float(step) for step in steps]


def find_scan(
    instrument: Instrument, values: dict[str, str], points: str | int | None, max_points: int
) -> ScanRange | None:
    """The range ``low,high`` among the values with its points; None for a single run.

    SimulationError names the field for: points without a range, a range without points,
    two ranges, a string parameter, points outside 2..max_points.
    """
    scanned = {name: str(text) for name, text in values.items() if "," in str(text)}
    count = str(points if points is not None else "").strip()
    if not scanned:
        if count:
            raise SimulationError("Scan points: give one parameter a range such as 4,8, or leave it empty.")
        return None
    if len(scanned) > 1:
        names = " and ".join(sorted(scanned))
        raise SimulationError(f"Only one parameter can be scanned at a time, not {names}.")
    name, text = scanned.popitem()
    declared = instrument.parameter(name)
    if declared is not None and declared.type == "string":
        raise SimulationError(f"{name}: only a numeric parameter can be scanned.")
    low_text, _, high_text = text.partition(",")
    if "," in high_text:
        raise SimulationError(f"{name}: a range is two numbers, first,last (e.g. 4,8), not {text!r}.")
    low, high = (convert_value(instrument, name, part) for part in (low_text, high_text))
    if not count:
        raise SimulationError(f"{name}={text} is a range: set Scan points (2 to {max_points}).")
    if not WHOLE.match(count) or not 2 <= int(count) <= max_points:
        raise SimulationError(f"Scan points: {count!r} is not a whole number from 2 to {max_points}.")
    scan = ScanRange(name, float(low), float(high), int(count), integer=isinstance(low, int))
    if scan.integer and (int(high) - int(low)) % (scan.points - 1):
        raise SimulationError(f"{name} is a whole number: {text} cannot be split into {count} equal steps.")
    return scan


def submit_scan(
    session: Session,
    settings: Settings,
    scan: ScanRange,
    *,
    user_id: int | None,
    role: Role,
    instrument_file: str,
    values: dict[str, str],
    ncount: str | int,
    seed: str | int | None,
    ranges: Ranges | None = None,
    course_id: int | None = None,
) -> tuple[SimulationScan, list[str]]:
    """Record a scan and a run per point; returns (scan, cache keys that need a job)."""
    row = SimulationScan(user_id=user_id, course_id=course_id, instrument=instrument_file,
                         parameter=scan.parameter, start=scan.start, stop=scan.stop, points=scan.points,
                         ncount=0)  # fmt: skip
    session.add(row)
    session.flush()
    keys = []
    for index, value in enumerate(scan.values()):
        point = {**values, scan.parameter: str(value)}
        run, needs_job = submit_run(session, settings, user_id=user_id, role=role,
                                    instrument_file=instrument_file, values=point, ncount=ncount, seed=seed,
                                    ranges=ranges, course_id=course_id, scan_id=row.id,
                                    scan_point=index)  # fmt: skip
        row.ncount = run.ncount
        if needs_job:
            keys.append(run.cache_key)
    return row, keys


def scan_runs(session: Session, scan: SimulationScan) -> list[SimulationRun]:
    query = select(SimulationRun).where(SimulationRun.scan_id == scan.id).order_by(SimulationRun.scan_point)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ScanProgress:
    done: int  # points finished (any way)
    total: int
    failed: int  # points failed or cancelled

    @property
    def finished(self) -> bool:
        return self.done == self.total

    @property
    def status(self) -> str:
        if not self.finished:
            return "running" if self.done else "queued"
        return "done" if not self.failed else "failed"


def scan_progress(runs: list[SimulationRun]) -> ScanProgress:
    return _progress([run.status for run in runs])


def _progress(statuses: list[RunStatus]) -> ScanProgress:
    done = sum(status.finished for status in statuses)
    failed = sum(status in (RunStatus.FAILED, RunStatus.CANCELLED) for status in statuses)
    return ScanProgress(done, len(statuses), failed)


def recent_scans(
    session: Session, user_id: int | None, instrument: str | None = None, limit: int = 10
) -> list[tuple[SimulationScan, ScanProgress]]:
    """The newest scans (of one user unless user_id is None: a teacher sees all), each with its progress."""
    query = select(SimulationScan).order_by(SimulationScan.id.desc()).limit(limit)
    if instrument:
        query = query.where(SimulationScan.instrument == instrument)
    if user_id is not None:
        query = query.where(SimulationScan.user_id == user_id)
    scans = list(session.scalars(query))
    statuses: dict[int, list[RunStatus]] = {scan.id: [] for scan in scans}
    points = select(SimulationRun.scan_id, SimulationRun.status).where(SimulationRun.scan_id.in_(statuses))
    for scan_id, status in session.execute(points):
        statuses[scan_id].append(status)
    return [(scan, _progress(statuses[scan.id])) for scan in scans]


def scan_folder(settings: Settings, scan: SimulationScan, runs: list[SimulationRun]) -> Path:
    """Where the overview and plots of this scan's results live (shared by identical scans)."""
    identity = json.dumps([scan.parameter, [run.cache_key for run in runs]])
    key = hashlib.sha256(identity.encode()).hexdigest()
    return settings.data_path / "sim" / "scans" / key[:2] / key


def scan_overview(
    settings: Settings, scan: SimulationScan, runs: list[SimulationRun]
) -> list[dict[str, Any]]:
    """Per monitor: name, title, xlabel, is_1d and rows of {point, run, value, I, E, peak, peak_E}.

    Only finished points with results appear; peak (the centroid, in the monitor's x unit) and its
    error peak_E are None for 2D monitors and empty histograms.
    Written to overview.json once every point has finished.
    """
    folder = scan_folder(settings, scan, runs)
    stored = folder / "overview.json"
    if stored.exists():
        return list(json.loads(stored.read_text()))
    done = [run for run in runs if run.status == RunStatus.DONE]
    series: dict[str, dict[str, Any]] = {}
    for run in done:
        for monitor in run.summary:
            entry = series.setdefault(monitor["name"], {
                "name": monitor["name"], "title": monitor["title"], "xlabel": monitor["xlabel"],
                "is_1d": len(monitor["shape"]) == 1, "rows": []})  # fmt: skip
            file = result_dir(settings, run.cache_key) / monitor["file"]
            peak, peak_error = _centroid(file) if entry["is_1d"] else (None, None)
            value = run.parameters[scan.parameter]
            entry["rows"].append({"point": run.scan_point, "run": run.id, "value": value, "I": monitor["I"],
                                  "E": monitor["E"], "peak": peak, "peak_E": peak_error})  # fmt: skip
    overview = list(series.values())
    if scan_progress(runs).finished and overview:
        _write_atomic(stored, json.dumps(overview).encode())
    return overview


def _centroid(path: Path) -> tuple[float | None, float | None]:
    """Intensity-weighted mean c of the bin centres x of a 1D McStas monitor file (columns x I I_err N)
    and its error, the bins' errors e propagated: sqrt(sum(((x - c) e)^2)) / sum(I); (None, None) if empty."""
    if not path.exists():
        return None, None
    data = np.loadtxt(path, ndmin=2)
    weights = data[:, 1]
    total = float(weights.sum())
    if total <= 0:
        return None, None
    centre = float((data[:, 0] * weights).sum() / total)
    return centre, float(np.sqrt((((data[:, 0] - centre) * data[:, 2]) ** 2).sum()) / total)


def parameter_label(instrument: Instrument, parameter: str) -> str:
    """``lambda [AA]``: the scanned parameter with its unit, for axes and tables."""
    declared = instrument.parameter(parameter)
    return f"{parameter} [{declared.unit}]" if declared is not None and declared.unit else parameter


def overview_png(settings: Settings, scan: SimulationScan, runs: list[SimulationRun], monitor: str) -> bytes:
    """The overview plot of one monitor (I +- E, and the peak for 1D), drawn once and kept."""
    overview = {entry["name"]: entry for entry in scan_overview(settings, scan, runs)}
    if monitor not in overview:
        raise SimulationError(f"No monitor {monitor!r} in this scan.")
    path = scan_folder(settings, scan, runs) / "plots" / f"{monitor}.png"
    if path.exists():
        return path.read_bytes()
    png = _draw_overview(overview[monitor], scan.parameter, load_instrument(settings, scan.instrument))
    if scan_progress(runs).finished:
        _write_atomic(path, png)
    return png


def _draw_overview(entry: dict[str, Any], parameter: str, instrument: Instrument) -> bytes:
    from matplotlib.figure import Figure

    xlabel = parameter_label(instrument, parameter)
    rows = entry["rows"]
    x = [row["value"] for row in rows]
    figure = Figure(figsize=(6.4, 6.0 if entry["is_1d"] else 4.4), dpi=100, layout="constrained")
    axes = figure.subplots(2 if entry["is_1d"] else 1, 1, sharex=True, squeeze=False)[:, 0]
    axes[0].errorbar(x, [row["I"] for row in rows], yerr=[row["E"] for row in rows], fmt="o-", markersize=3,
                     linewidth=0.8, capsize=2, color="#1f5fa8")  # fmt: skip
    axes[0].set_ylabel("Integrated intensity I")
    axes[0].set_title(f"{entry['name']}: {entry['title']}", fontsize=10)
    if entry["is_1d"]:
        axes[1].plot(x, [row["peak"] if row["peak"] is not None else np.nan for row in rows], "s-",
                     markersize=3, linewidth=0.8, color="#b5531b")  # fmt: skip
        axes[1].set_ylabel(f"Centroid: {entry['xlabel']}")
    axes[-1].set_xlabel(xlabel)
    for ax in axes:
        ax.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def scan_tables(
    scan: ScanRange, instrument: str, ncount: int, rows: list[tuple[Any, list[dict[str, Any]]]], filename: str
) -> tuple[str, str]:
    """(data file, mccode.sim) in mcrun's multi-point scan format.

    rows: (scanned value, run summary) per point. The data file has the mcrun header
    (``# type: multiarray_1d(N)``, ``# variables: lambda psd_I psd_ERR ...``), then one line
    per point: the value, then I and ERR of every monitor.
    """
    monitors = [monitor["name"] for monitor in rows[0][1]] if rows else []
    date = datetime.now(UTC).strftime("%a %b %d %H %M %Y")
    variables = " ".join([scan.parameter] + [f"{name}_{part}" for name in monitors for part in ("I", "ERR")])
    yvars = " ".join(f"({name}_I,{name}_ERR)" for name in monitors)
    fields = {"Ncount": ncount, "Numpoints": scan.points, "Param": f"{scan.parameter} = {scan.start:g}",
              "type": f"multiarray_1d({scan.points})", "title": f"Scan of {scan.parameter}",
              "xlabel": f"'{scan.parameter}'", "ylabel": "'Intensity'", "xvars": scan.parameter,
              "yvars": yvars, "xlimits": f"{scan.start:g} {scan.stop:g}", "filename": filename,
              "variables": variables}  # fmt: skip
    header = [f"# Instrument-source: '{instrument}'", f"# Date: {date}"]
    header += [f"# {key}: {value}" for key, value in fields.items()]
    lines = [" ".join([f"{value:g}"] + [f"{m['I']:.10g} {m['E']:.10g}" for m in summary])
             for value, summary in rows]  # fmt: skip
    data = "\n".join(header + lines) + "\n"
    block = ("type", "title", "xvars", "yvars", "xlabel", "ylabel", "xlimits", "filename", "variables")
    data_block = "\n".join(f"{key}: {fields[key]}" for key in block)
    sim = (f"begin instrument:\n  Creator: elearn\n  Source: {instrument}\n  Parameters:  {scan.parameter}\n"
           f"end instrument\n\nbegin simulation\nDate: {date}\nNcount: {ncount}\nNumpoints: {scan.points}\n"
           f"Param: {fields['Param']}\nend simulation\n\nbegin data\n{data_block}\nend data\n")  # fmt: skip
    return data, sim


def scan_range(scan: SimulationScan) -> ScanRange:
    return ScanRange(scan.parameter, scan.start, scan.stop, scan.points)


def scan_zip(settings: Settings, scan: SimulationScan, runs: list[SimulationRun]) -> tuple[str, bytes]:
    """(file name, zip): a folder per finished point (0, 1, ...) and scan.dat + mccode.sim."""
    stem = f"{scan.instrument.removesuffix('.instr')}-scan{scan.id}"
    done = [run for run in runs if run.status == RunStatus.DONE]
    rows = [(run.parameters[scan.parameter], run.summary) for run in done]
    data, sim = scan_tables(scan_range(scan), scan.instrument, scan.ncount, rows, "scan.dat")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}/scan.dat", data)
        archive.writestr(f"{stem}/mccode.sim", sim)
        for run in done:
            for path in sorted(result_dir(settings, run.cache_key).iterdir()):
                if path.is_file():
                    archive.write(path, f"{stem}/{run.scan_point}/{path.name}")
    return f"{stem}.zip", buffer.getvalue()


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(content)
    temporary.replace(path)
