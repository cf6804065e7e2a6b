"""Instrument pages, runs with live progress, plots, downloads and comparisons. Views call runs.py.

The scan routes live in scan_views.py on the same blueprint (imported at the end of this module).
"""

from __future__ import annotations

import io
import zipfile

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from elearn.auth.access import public, requires
from elearn.auth.models import Role
from elearn.courses.models import Course
from elearn.db import db
from elearn.sim.content import course_ranges, course_simulation
from elearn.sim.instrument import Instrument, InstrumentError
from elearn.sim.layout import cached_layout_png, layout_summary
from elearn.sim.mccode_reader import read_output
from elearn.sim.models import RunStatus, SimulationRun, SimulationScan
from elearn.sim.parameters import Ranges, validate_parameters
from elearn.sim.plotdata import comparison, monitor_data
from elearn.sim.plots import SCALES, cached_png
from elearn.sim.runs import (
    SimulationError,
    cancel_run,
    format_ncount,
    instrument_catalog,
    load_instrument,
    ncount_cap,
    queue_priority,
    result_dir,
    submit_run,
)
from elearn.sim.scans import MAX_POINTS, ScanProgress, find_scan, recent_scans
from elearn.sim.tasks import enqueue_run

blueprint = Blueprint("sim", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static/sim")  # fmt: skip


blueprint.add_app_template_filter(format_ncount, "ncount")


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["ELEARN_SETTINGS"]


def _visible_run(run_id: int) -> SimulationRun:
    """A run its owner or a teacher may see; 404 for anyone else (ids are not secrets)."""
    run = db().get(SimulationRun, run_id)
    if run is None or not (run.user_id == g.user.id or g.user.role.includes(Role.TEACHER)):
        abort(404, "There is no such run.")
    return run


def _recent_scans(instrument: str | None = None) -> list[tuple[SimulationScan, ScanProgress]]:
    if g.user is None:
        return []
    return recent_scans(db(), None if g.user.role.includes(Role.TEACHER) else g.user.id, instrument)


def _recent_runs(instrument: str | None = None, limit: int = 20) -> list[SimulationRun]:
    query = select(SimulationRun).order_by(SimulationRun.id.desc()).limit(limit)
    if instrument:
        query = query.where(SimulationRun.instrument == instrument)
    if g.user is None:
        return []
    if not g.user.role.includes(Role.TEACHER):
        query = query.where(SimulationRun.user_id == g.user.id)
    return list(db().scalars(query))


@blueprint.route("/sim")
@public
def instruments() -> str:
    return render_template("sim/instruments.html", catalog=instrument_catalog(_settings()),
                           runs=_recent_runs(), scans=_recent_scans())  # fmt: skip


def _course(course_slug: str | None, file: str) -> tuple[Course | None, Ranges | None]:
    """The course a simulation is used from and its allowed ranges; 404 if it does not use it."""
    if course_slug is None:
        return None, None
    course = db().scalar(select(Course).where(Course.slug == course_slug))
    ranges = course_ranges(db(), course_slug, file) if course else None
    if course is None or ranges is None:
        abort(404, f"Course {course_slug!r} does not use the instrument {file!r}.")
    return course, ranges


@blueprint.route("/sim/<file>")
@blueprint.route("/courses/<course_slug>/sim/<file>")
@public
def instrument(file: str, course_slug: str | None = None) -> str:
    settings = _settings()
    try:
        parsed = load_instrument(settings, file)
    except (SimulationError, InstrumentError) as error:
        abort(404, str(error))
    course, ranges = _course(course_slug, file)
    role = g.user.role if g.user else Role.STUDENT
    entry = next((e for e in instrument_catalog(settings) if e.file == file), None)
    return render_template("sim/instrument.html", file=file, instrument=parsed, course=course,
                           ranges=ranges or {},
                           description=entry.description if entry else "", values=request.args,
                           max_ncount=ncount_cap(settings, role), runs=_recent_runs(file),
                           scans=_recent_scans(file),
                           max_points=MAX_POINTS[role],
                           cache_never=_cache_never(course_slug, file))  # fmt: skip


@blueprint.route("/sim/<file>/runs", methods=["POST"])
@blueprint.route("/courses/<course_slug>/sim/<file>/runs", methods=["POST"])
@requires(Role.STUDENT)
def start(file: str, course_slug: str | None = None) -> Response:
    session, settings = db(), _settings()
    course, ranges = _course(course_slug, file)
    values = {key[2:]: value for key, value in request.form.items() if key.startswith("p:")}
    try:
        seed = _requested_seed(course_slug, file)
        scan = find_scan(load_instrument(settings, file), values, request.form.get("points"),
                         MAX_POINTS[g.user.role])  # fmt: skip
        if scan is not None:
            return scan_views.start_scan(scan, file, values, seed, course, ranges)
        run, needs_job = submit_run(
            session,
            settings,
            user_id=g.user.id,
            role=g.user.role,
            instrument_file=file,
            values=values,
            ncount=request.form.get("ncount", "1e6"),
            seed=seed,
            ranges=ranges,
            course_id=course.id if course else None,
        )
    except (SimulationError, InstrumentError) as error:
        session.rollback()
        message = str(error).split(": ", 1)[-1] if isinstance(error, InstrumentError) else str(error)
        if _wants_json():
            return jsonify(error=message), 400  # type: ignore[return-value]
        flash(message, "error")
        return redirect(url_for("sim.instrument", file=file, course_slug=course_slug,  # type: ignore[return-value]
                                points=request.form.get("points") or None, **values))  # fmt: skip
    priority = queue_priority(session, run)
    session.commit()
    if needs_job:
        enqueue_run(run.cache_key, priority)
    if _wants_json():
        session.refresh(run)  # the job may have finished already (immediate queue, cache)
        return jsonify(run_started(run))
    return redirect(url_for("sim.run", run_id=run.id))  # type: ignore[return-value]


@blueprint.route("/sim/runs/<int:run_id>")
@requires(Role.STUDENT)
def run(run_id: int) -> str:
    run = _visible_run(run_id)
    return render_template("sim/run.html", run=run, scales=SCALES, others=_comparable_runs(run),
                           files=_result_files(run))  # fmt: skip


@blueprint.route("/sim/runs/<int:run_id>/status")
@requires(Role.STUDENT)
def status(run_id: int) -> Response:
    run = _visible_run(run_id)
    return jsonify(status=run.status.value, progress=run.progress, message=run.message,
                   finished=run.status.finished)  # fmt: skip


@blueprint.route("/sim/runs/<int:run_id>/cancel", methods=["POST"])
@requires(Role.STUDENT)
def cancel(run_id: int) -> Response:
    run = _visible_run(run_id)
    cancel_run(db(), run)
    db().commit()
    return redirect(url_for("sim.run", run_id=run.id))  # type: ignore[return-value]


def _done_run_folder(run_id: int):  # type: ignore[no-untyped-def]
    run = _visible_run(run_id)
    folder = result_dir(_settings(), run.cache_key)
    if run.status.value != "done" or not (folder / "mccode.sim").exists():
        abort(404, "This run has no results (yet, or any more).")
    return run, folder


@blueprint.route("/sim/runs/<int:run_id>/plots/<monitor>.png")
@requires(Role.STUDENT)
def plot(run_id: int, monitor: str) -> Response:
    _, folder = _done_run_folder(run_id)
    scale = request.args.get("scale", "linear")
    if scale not in SCALES:
        abort(400, "scale must be linear or log")
    response = Response(cached_png(folder, _monitor(folder, monitor), scale), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@blueprint.route("/sim/runs/<int:run_id>/files/<name>")
@requires(Role.STUDENT)
def data_file(run_id: int, name: str) -> Response:
    _, folder = _done_run_folder(run_id)
    files = {path.name: path for path in folder.iterdir() if path.is_file()}
    if name not in files:
        abort(404)
    return Response(files[name].read_bytes(), mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@blueprint.route("/sim/runs/<int:run_id>/download.zip")
@requires(Role.STUDENT)
def download(run_id: int) -> Response:
    run, folder = _done_run_folder(run_id)
    buffer = io.BytesIO()
    stem = f"{run.instrument.removesuffix('.instr')}-run{run.id}"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, f"{stem}/{path.name}")
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.zip"'})  # fmt: skip


def _wants_json() -> bool:
    """The inline widget's fetch() asks for JSON; a plain form post gets a redirect."""
    return request.accept_mimetypes.best == "application/json"


def run_started(run: SimulationRun) -> dict[str, object]:
    """What the inline widget needs to follow a run: its page, status and plot data URLs."""
    return {"run_id": run.id, "status": run.status.value,
            "run_url": url_for("sim.run", run_id=run.id), "status_url": url_for("sim.status", run_id=run.id),
            "data_url": url_for("sim.monitor_json", run_id=run.id, monitor="MONITOR"),
            "monitors": [m["name"] for m in run.summary or []]}  # fmt: skip


def _monitor(folder, name: str):  # type: ignore[no-untyped-def]
    found = next((m for m in read_output(folder) if m.component == name), None)
    if found is None:
        abort(404, f"No monitor {name!r} in this run.")
    return found


@blueprint.route("/sim/runs/<int:run_id>/data/<monitor>.json")
@requires(Role.STUDENT)
def monitor_json(run_id: int, monitor: str) -> Response:
    """One monitor's bins, errors and counts for the interactive plot (see plotdata.py)."""
    run, folder = _done_run_folder(run_id)
    response = jsonify(monitor_data(_monitor(folder, monitor), f"run #{run.id}"))
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def _comparable_runs(run: SimulationRun, limit: int = 20) -> list[SimulationRun]:
    """The user's other finished runs of the same instrument (for "compare with…")."""
    if run.status != RunStatus.DONE:
        return []
    return [other for other in _recent_runs(run.instrument, limit)
            if other.id != run.id and other.status == RunStatus.DONE]  # fmt: skip


def _compared_runs() -> list[SimulationRun]:
    """The runs named by ?runs=3,7 (or repeated ?run=), each visible to the user (404 otherwise)."""
    texts = ",".join(request.args.getlist("runs") + request.args.getlist("run")).split(",")
    try:
        ids = list(dict.fromkeys(int(text) for text in texts if text.strip()))
    except ValueError:
        abort(400, "runs must be run numbers separated by commas, e.g. ?runs=3,7")
    if not 2 <= len(ids) <= 6:
        abort(400, "Choose between two and six runs to compare.")
    runs = [_visible_run(run_id) for run_id in ids]
    instruments = sorted({run.instrument for run in runs})
    if len(instruments) > 1:
        abort(400, f"Only runs of one instrument can be compared, not {' and '.join(instruments)}.")
    unfinished = [f"#{run.id}" for run in runs if run.status != RunStatus.DONE]
    if unfinished:
        abort(400, f"Run {', '.join(unfinished)} has no results to compare (yet).")
    return runs


@blueprint.route("/sim/compare")
@requires(Role.STUDENT)
def compare() -> str:
    runs = _compared_runs()
    monitors = [m["name"] for m in runs[0].summary or []]
    return render_template("sim/compare.html", runs=runs, monitors=monitors,
                           runs_arg=",".join(str(run.id) for run in runs))  # fmt: skip


@blueprint.route("/sim/compare/data/<monitor>.json")
@requires(Role.STUDENT)
def compare_json(monitor: str) -> Response:
    """The runs' monitor as overlaid series, with the second minus the first and their ratio."""
    labelled = []
    for run in _compared_runs():
        _, folder = _done_run_folder(run.id)
        labelled.append((f"run #{run.id}", _monitor(folder, monitor)))
    return jsonify(comparison(labelled))


@blueprint.route("/courses/<course_slug>/sim/<file>/form.json")
@public
def widget_form(course_slug: str, file: str) -> Response:
    """What a page's simulation widget needs per reader: the course ranges and whether they can run."""
    _, ranges = _course(course_slug, file)
    return jsonify(ranges={name: list(bounds) for name, bounds in (ranges or {}).items()},
                   signed_in=g.user is not None, csrf_token=generate_csrf() if g.user else None,
                   login_url=url_for("auth.login"))  # fmt: skip


def _cache_never(course_slug: str | None, file: str) -> bool:
    row = course_simulation(db(), course_slug, file) if course_slug else None
    return bool(row and row.cache_never)


def _requested_seed(course_slug: str | None, file: str) -> str | None:
    """The form's seed, or None (a fresh random seed) for Recalculate and ``cache: never`` courses."""
    if _cache_never(course_slug, file):
        return None
    if request.form.get("recalculate"):
        if not g.user.role.includes(Role.TEACHER):
            raise SimulationError("Only teachers can recalculate (run again ignoring the cache).")
        return None
    return request.form.get("seed") or None


def _result_files(run: SimulationRun) -> list[str]:
    """Every data file of a finished run's result folder (mccode.sim, each monitor's file, ...)."""
    folder = result_dir(_settings(), run.cache_key)
    if run.status != RunStatus.DONE or not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir() if path.is_file())


@blueprint.route("/sim/<file>/layout.png")
@public
def layout(file: str) -> Response:
    """The instrument drawn from the engine's geometry, with default values (public) or the query's
    values (signed-in users)."""
    settings = _settings()
    try:
        parsed = load_instrument(settings, file)
    except (SimulationError, InstrumentError) as error:
        abort(404, str(error))
    if request.args and g.user is None:  # every new picture costs seconds of CPU: not for anyone
        abort(403, "Sign in to draw the layout with other parameter values.")
    try:
        params = validate_parameters(parsed, request.args.to_dict())
        png = cached_layout_png(settings.data_path / "sim" / "layouts", parsed, params)
    except InstrumentError as error:
        abort(400, f"No layout for these parameter values: {error.message}")
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=3600"})


@blueprint.app_template_global()
def sim_layout(instrument: Instrument) -> dict | None:
    """Alt text and component positions for the instrument page (default parameters); None if
    the embedded engine cannot place this instrument's components."""
    try:
        return layout_summary(instrument, validate_parameters(instrument, {}))
    except InstrumentError:
        return None


from elearn.sim import scan_views  # noqa: E402  (scan routes on this blueprint; imports it)
