"""Parameter scan pages: progress, the overview per monitor (interactive, PNG without JS), zip.

Routes on the sim blueprint of views.py (endpoint names ``sim.scan``...); the work is in scans.py
and plotdata.py.
"""

from __future__ import annotations

from flask import Response, abort, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from elearn.auth.access import requires
from elearn.auth.models import Role
from elearn.courses.models import Course
from elearn.db import db
from elearn.sim.models import SimulationRun, SimulationScan
from elearn.sim.parameters import Ranges
from elearn.sim.plotdata import scan_series
from elearn.sim.runs import SimulationError, cancel_run, load_instrument, queue_priority
from elearn.sim.scans import (
    ScanRange,
    overview_png,
    parameter_label,
    scan_overview,
    scan_progress,
    scan_runs,
    scan_zip,
    submit_scan,
)
from elearn.sim.tasks import enqueue_run
from elearn.sim.views import _settings, blueprint


def start_scan(scan: ScanRange, file: str, values: dict[str, str], seed: str | None, course: Course | None,
                ranges: Ranges | None) -> Response:  # fmt: skip
    """Record the scan and its points, queue the points that need a job, go to the scan page."""
    session, settings = db(), _settings()
    row, keys = submit_scan(session, settings, scan, user_id=g.user.id, role=g.user.role,
                            instrument_file=file, values=values, ncount=request.form.get("ncount", "1e6"),
                            seed=seed, ranges=ranges, course_id=course.id if course else None)  # fmt: skip
    first = session.scalar(select(SimulationRun).where(SimulationRun.scan_id == row.id).limit(1))
    priority = queue_priority(session, first) if first else 0
    session.commit()
    for key in keys:
        enqueue_run(key, priority)
    return redirect(url_for("sim.scan", scan_id=row.id))  # type: ignore[return-value]


def _visible_scan(scan_id: int) -> SimulationScan:
    """A scan its owner or a teacher may see; 404 for anyone else, as for runs."""
    scan = db().get(SimulationScan, scan_id)
    if scan is None or not (scan.user_id == g.user.id or g.user.role.includes(Role.TEACHER)):
        abort(404, "There is no such scan.")
    return scan


@blueprint.route("/sim/scans/<int:scan_id>")
@requires(Role.STUDENT)
def scan(scan_id: int) -> str:
    scan = _visible_scan(scan_id)
    runs = scan_runs(db(), scan)
    progress = scan_progress(runs)
    overview = scan_overview(_settings(), scan, runs) if progress.finished else []
    declared = load_instrument(_settings(), scan.instrument).parameter(scan.parameter)
    return render_template("sim/scan.html", scan=scan, runs=runs, progress=progress, overview=overview,
                           unit=declared.unit if declared else "")  # fmt: skip


@blueprint.route("/sim/scans/<int:scan_id>/status")
@requires(Role.STUDENT)
def scan_status(scan_id: int) -> Response:
    progress = scan_progress(scan_runs(db(), _visible_scan(scan_id)))
    label = f"{progress.done} of {progress.total} points done"
    return jsonify(status=progress.status, progress=progress.done / max(progress.total, 1), label=label,
                   finished=progress.finished)  # fmt: skip


@blueprint.route("/sim/scans/<int:scan_id>/plots/<monitor>.png")
@requires(Role.STUDENT)
def scan_plot(scan_id: int, monitor: str) -> Response:
    scan = _visible_scan(scan_id)
    try:
        png = overview_png(_settings(), scan, scan_runs(db(), scan), monitor)
    except SimulationError as error:
        abort(404, str(error))
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@blueprint.route("/sim/scans/<int:scan_id>/data/<monitor>.json")
@requires(Role.STUDENT)
def scan_json(scan_id: int, monitor: str) -> Response:
    """One monitor's overview as point series (plotdata.scan_series), each point linked to its run."""
    scan = _visible_scan(scan_id)
    runs = scan_runs(db(), scan)
    entry = next((e for e in scan_overview(_settings(), scan, runs) if e["name"] == monitor), None)
    if entry is None:
        abort(404, f"No monitor {monitor!r} in this scan.")
    label = parameter_label(load_instrument(_settings(), scan.instrument), scan.parameter)
    data = scan_series(entry, label)
    for series in filter(None, data.values()):
        series["links"] = [url_for("sim.run", run_id=run_id) for run_id in series["runs"]]
    response = jsonify(data)
    if scan_progress(runs).finished:
        response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@blueprint.route("/sim/scans/<int:scan_id>/download.zip")
@requires(Role.STUDENT)
def scan_download(scan_id: int) -> Response:
    scan = _visible_scan(scan_id)
    name, data = scan_zip(_settings(), scan, scan_runs(db(), scan))
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@blueprint.route("/sim/scans/<int:scan_id>/cancel", methods=["POST"])
@requires(Role.STUDENT)
def scan_cancel(scan_id: int) -> Response:
    for point in scan_runs(db(), _visible_scan(scan_id)):
        cancel_run(db(), point)
    db().commit()
    return redirect(url_for("sim.scan", scan_id=scan_id))  # type: ignore[return-value]
