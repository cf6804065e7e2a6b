"""Simulation runs as a service: validate, de-duplicate by cache key, execute, report.

A request becomes a SimulationRun row. Identical requests (instrument source, parameters,
ncount, seed, engine and version) share one cache key: a finished result is served at once,
a queued or running one is joined, so the same question asked by 200 students runs once.
Results are McStas output folders under ``<instance>/data/sim/<cache key>``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from blinker import Namespace
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.config import Settings
from elearn.db.types import utcnow
from elearn.sim.engines import select_engine
from elearn.sim.engines.embedded import Cancelled
from elearn.sim.instrument import Instrument, InstrumentError, parse_instrument
from elearn.sim.mccode_output import MonitorData
from elearn.sim.mccode_reader import read_output
from elearn.sim.models import RunStatus, SimulationRun
from elearn.sim.parameters import Ranges, validate_parameters

log = logging.getLogger(__name__)
# sent with session=, settings=, key= when a run is DONE
simulation_finished = Namespace().signal("simulation-finished")
INSTRUMENT_FILE = re.compile(r"^[A-Za-z0-9_-]+\.instr$")
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
NCOUNT_FACTOR = {Role.STUDENT: 1, Role.TEACHER: 10, Role.ADMIN: 100}


class SimulationError(Exception):
    """A run request is refused or a run failed; the message is for the user."""


@dataclass(frozen=True)
class CatalogEntry:
    file: str
    instrument: Instrument
    description: str


def instrument_path(settings: Settings, file: str) -> Path:
    """The path of an instrument file in the simulations folder; never outside it."""
    if not INSTRUMENT_FILE.match(file):
        raise SimulationError(f"{file!r} is not an instrument file name")
    path = settings.simulations_path / file
    if not path.is_file():
        raise SimulationError(f"There is no instrument {file!r}.")
    return path


def load_instrument(settings: Settings, file: str) -> Instrument:
    path = instrument_path(settings, file)
    return _parse_cached(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _parse_cached(path: str, _mtime_ns: int) -> Instrument:
    return parse_instrument(path)


def instrument_catalog(settings: Settings) -> list[CatalogEntry]:
    """Every instrument in the simulations folder that parses, with its description."""
    entries = []
    for path in sorted(settings.simulations_path.glob("*.instr")):
        try:
            instrument = load_instrument(settings, path.name)
        except (InstrumentError, SimulationError) as error:
            log.warning("instrument %s skipped: %s", path.name, error)
            continue
        entries.append(CatalogEntry(path.name, instrument, instrument_description(path)))
    return entries


def instrument_description(path: Path) -> str:
    """The ``%Description`` paragraph of an instrument's header comment."""
    text = path.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"%Description\s*(.*?)(?:%Parameters|%Example|%Link|%End|\*/)", text, re.S)
    if not match:
        return ""
    lines = [re.sub(r"^\s*\*\s?", "", line) for line in match.group(1).splitlines()]
    return " ".join(line.strip() for line in lines if line.strip())


def parse_ncount(text: str | int | float) -> int:
    """Accept 1000000, 1e6 or 1E+06; refuse fractions, NaN and non-numbers."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise SimulationError(f"{text!r} is not a number of neutrons (write e.g. 1e6)") from None
    if not math.isfinite(value) or value < 1 or value != int(value):
        raise SimulationError(f"{text!r} is not a whole, positive number of neutrons (a whole number: 1e6)")
    return int(value)


def format_ncount(count: int) -> str:
    """A neutron count as people write it: 1e+06, 2.5e+05, 12345 for small ones."""
    return f"{count:.4g}" if count >= 1e5 else str(count)


def ncount_cap(settings: Settings, role: Role) -> int:
    return settings.sim_max_ncount * NCOUNT_FACTOR[role]


def cache_key(instrument: Instrument, params: dict[str, Any], ncount: int, seed: int, engine: str) -> str:
    """Identity of a result: same key, same numbers (the engines are deterministic per seed)."""
    identity = {"instrument": instrument.source_hash, "params": params, "ncount": ncount, "seed": seed,
                "engine": engine}  # fmt: skip
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def result_dir(settings: Settings, key: str) -> Path:
    return settings.data_path / "sim" / key[:2] / key


def submit_run(
    session: Session,
    settings: Settings,
    *,
    user_id: int | None,
    role: Role,
    instrument_file: str,
    values: dict[str, str],
    ncount: str | int,
    seed: str | int | None = None,
    ranges: Ranges | None = None,
    course_id: int | None = None,
    scan_id: int | None = None,
    scan_point: int | None = None,
) -> tuple[SimulationRun, bool]:
    """Validate a request and record it; returns (run, needs_job). Nothing runs here.

    Every queued request wants its own job, even one that joins a running twin: the job is cheap
    when the twin has finished (it settles the request from the cache), and a request that joined
    just as its twin finished would otherwise wait forever.
    """
    instrument = load_instrument(settings, instrument_file)
    params = validate_parameters(instrument, values, ranges)
    count = parse_ncount(ncount)
    cap = ncount_cap(settings, role)
    if count > cap:
        raise SimulationError(
            f"At most {cap:.0e} neutrons per run for a {role.value}; you asked for {count:.0e}."
        )
    if seed in (None, ""):
        seed_value = secrets.randbelow(2**31 - 2) + 1
    else:
        try:
            seed_value = int(str(seed))
        except ValueError:
            raise SimulationError(f"The seed must be a whole number, not {seed!r}.") from None
        if not 0 < seed_value < 2**31:
            raise SimulationError("The seed must be between 1 and 2147483647.")
    if role == Role.STUDENT and user_id is not None:
        active = active_requests(session, user_id, scan_id)
        if active >= settings.sim_max_active_runs:
            raise SimulationError(
                f"You already have {active} runs waiting or running; wait for one to finish or cancel it."
            )
    engine = select_engine(settings.sim_engine)
    engine_id = f"{engine.name} {engine.version}"
    key = cache_key(instrument, params, count, seed_value, engine_id)
    done = session.scalar(
        select(SimulationRun)
        .where(SimulationRun.cache_key == key, SimulationRun.status == RunStatus.DONE)
        .limit(1)
    )
    run = SimulationRun(user_id=user_id, course_id=course_id, instrument=instrument_file,
                        instrument_hash=instrument.source_hash,
                        parameters=params, ncount=count, seed=seed_value, engine=engine_id, cache_key=key,
                        status=RunStatus.QUEUED, scan_id=scan_id, scan_point=scan_point)  # fmt: skip
    session.add(run)
    if done is not None and (result_dir(settings, key) / "mccode.sim").exists():
        run.status, run.cached, run.progress = RunStatus.DONE, True, 1.0
        run.summary, run.elapsed_s, run.finished_at = done.summary, done.elapsed_s, utcnow()
    session.flush()
    return run, run.status == RunStatus.QUEUED


def active_requests(session: Session, user_id: int, scan_id: int | None = None) -> int:
    """A user's waiting or running requests; a scan counts as one, and ``scan_id`` itself not at all."""
    request = case((SimulationRun.scan_id.is_(None), -SimulationRun.id), else_=SimulationRun.scan_id)
    query = select(func.count(func.distinct(request))).where(
        SimulationRun.user_id == user_id, SimulationRun.status.in_(ACTIVE)
    )
    if scan_id is not None:
        query = query.where(or_(SimulationRun.scan_id.is_(None), SimulationRun.scan_id != scan_id))
    return int(session.scalar(query) or 0)


def reference_monitors(
    session: Session, settings: Settings, instrument_file: str, values: dict[str, str], ncount: int, seed: int
) -> dict[str, MonitorData] | None:
    """Monitors of a platform-owned run (quiz references), by component; None while it runs.

    The first call records the run and enqueues it when the caller commits; every later call
    is served from the cache. A failed run raises SimulationError with its message.
    """
    key, latest, found = _reference(session, settings, instrument_file, values, ncount, seed)
    if found is not None:
        return found
    if latest is not None and latest.status in ACTIVE:
        return None
    if latest is not None and latest.status == RunStatus.FAILED:
        raise SimulationError(f"The reference simulation failed: {latest.message}")
    run, needs_job = submit_run(
        session, settings, user_id=None, role=Role.ADMIN, instrument_file=instrument_file, values=values,
        ncount=int(ncount), seed=int(seed),
    )
    if needs_job:
        from elearn.jobs import enqueue_after_commit
        from elearn.sim.tasks import enqueue_run

        enqueue_after_commit(session, lambda: enqueue_run(key, priority=20))
    return None


def finished_reference(
    session: Session, settings: Settings, instrument_file: str, values: dict[str, str], ncount: int, seed: int
) -> dict[str, MonitorData] | None:
    """The monitors of a finished platform-owned run, or None; never records or queues a run."""
    return _reference(session, settings, instrument_file, values, ncount, seed)[2]


def _reference(
    session: Session, settings: Settings, instrument_file: str, values: dict[str, str], ncount: int, seed: int
) -> tuple[str, SimulationRun | None, dict[str, MonitorData] | None]:
    """(cache key, latest run with it, its monitors if it finished and its files are there)."""
    instrument = load_instrument(settings, instrument_file)
    params = validate_parameters(instrument, values)
    engine = select_engine(settings.sim_engine)
    key = cache_key(instrument, params, int(ncount), int(seed), f"{engine.name} {engine.version}")
    latest = session.scalar(
        select(SimulationRun).where(SimulationRun.cache_key == key).order_by(SimulationRun.id.desc())
    )
    folder = result_dir(settings, key)
    if latest is not None and latest.status == RunStatus.DONE and (folder / "mccode.sim").exists():
        return key, latest, {monitor.component: monitor for monitor in read_output(folder)}
    return key, latest, None


def queue_priority(session: Session, run: SimulationRun) -> int:
    """Fewer active runs of one user means a higher priority: one student cannot starve a class."""
    if run.user_id is None:
        return 10
    active = session.scalar(
        select(func.count()).where(SimulationRun.user_id == run.user_id, SimulationRun.status.in_(ACTIVE))
    )
    return max(0, 10 - int(active or 0))


def cancel_run(session: Session, run: SimulationRun) -> None:
    """Cancel one request; the shared job stops once every request for it is cancelled."""
    if run.status.finished:
        return
    run.cancel_requested = True
    if run.status == RunStatus.QUEUED:
        run.status, run.finished_at, run.message = (
            RunStatus.CANCELLED,
            utcnow(),
            "Cancelled before it started.",
        )


def execute(session: Session, settings: Settings, key: str) -> None:
    """Run the simulation for every waiting request with ``key`` (called by the job)."""
    waiting = _runs(session, key, (RunStatus.QUEUED,))
    if not waiting or _runs(session, key, (RunStatus.RUNNING,)):
        return  # nothing to do, or the running twin's job settles these requests when it ends
    if _settle_from_cache(session, settings, key):
        return
    first = waiting[0]
    _set(session, key, ACTIVE, status=RunStatus.RUNNING, started_at=utcnow(), progress=0.0)
    outdir = result_dir(settings, key)
    partial = outdir.with_name(f"{key}.partial-{os.getpid()}")
    watcher = _Watcher(session, key, time.monotonic(), settings.sim_time_limit_s)
    try:
        instrument = load_instrument(settings, first.instrument)
        if instrument.source_hash != first.instrument_hash:
            raise SimulationError("The instrument file changed after this run was requested; run it again.")
        partial.parent.mkdir(parents=True, exist_ok=True)
        result = select_engine(settings.sim_engine).run(
            instrument,
            dict(first.parameters),
            first.ncount,
            first.seed,
            partial,
            progress=watcher.progress,
            cancelled=watcher.cancelled,
        )
        shutil.rmtree(outdir, ignore_errors=True)
        partial.rename(outdir)
    except Cancelled:
        if watcher.timed_out:
            message = f"Stopped: the run took longer than the limit of {settings.sim_time_limit_s:.0f} s."
            _set(session, key, ACTIVE, status=RunStatus.FAILED, message=message, finished_at=utcnow())
        else:
            _set(session, key, ACTIVE, status=RunStatus.CANCELLED, message="Cancelled.", finished_at=utcnow())
        return
    except (InstrumentError, SimulationError) as error:
        _set(session, key, ACTIVE, status=RunStatus.FAILED, message=str(error), finished_at=utcnow())
        return
    except Exception:
        log.exception("simulation %s failed", key)
        message = "The simulation failed unexpectedly; the administrators can see why in the log."
        _set(session, key, ACTIVE, status=RunStatus.FAILED, message=message, finished_at=utcnow())
        return
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    _set(session, key, ACTIVE, status=RunStatus.DONE, progress=1.0, finished_at=utcnow(),
         elapsed_s=result.elapsed_s, summary=monitor_summary(result.monitors))  # fmt: skip
    _settle_queued(session, key)  # requests that arrived during that last update
    simulation_finished.send("elearn.sim", session=session, settings=settings, key=key)


def _settle_from_cache(session: Session, settings: Settings, key: str) -> bool:
    """Finish the queued requests for ``key`` from its stored result; False if there is none."""
    if not (result_dir(settings, key) / "mccode.sim").exists():
        return False
    settled = _settle_queued(session, key)
    if settled is None:
        return False
    if settled:
        simulation_finished.send("elearn.sim", session=session, settings=settings, key=key)
    return True


def _settle_queued(session: Session, key: str) -> int | None:
    """Copy a finished twin's result onto the queued requests for ``key``; None without a twin."""
    done = session.scalar(
        select(SimulationRun).where(SimulationRun.cache_key == key, SimulationRun.status == RunStatus.DONE)
        .order_by(SimulationRun.id).limit(1)
    )  # fmt: skip
    if done is None:
        return None
    queued = _runs(session, key, (RunStatus.QUEUED,))
    if queued:
        _set(session, key, (RunStatus.QUEUED,), status=RunStatus.DONE, cached=True, progress=1.0,
             finished_at=utcnow(), elapsed_s=done.elapsed_s, summary=done.summary)  # fmt: skip
    return len(queued)


def monitor_summary(monitors: list[MonitorData]) -> list[dict[str, Any]]:
    """Per monitor: name, title, file, shape, total intensity I with error E, and N events.

    I, E and N are the monitor file's ``values:`` line (McStas's totals, what mcrun puts in a scan).
    """
    summary = []
    for monitor in monitors:
        total, error, events = monitor.totals()
        summary.append({
            "name": monitor.component, "title": monitor.title, "file": monitor.filename,
            "shape": list(monitor.intensity.shape), "xlabel": monitor.xlabel, "ylabel": monitor.ylabel,
            "I": total, "E": error, "N": events,
        })  # fmt: skip
    return summary


class _Watcher:
    """Progress and cancellation for a running job, written to / read from the database."""

    def __init__(self, session: Session, key: str, started: float, limit_s: float) -> None:
        self.session, self.key, self.started, self.limit_s = session, key, started, limit_s
        self.timed_out = False
        self._last_write = self._last_read = 0.0

    def progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last_write >= 0.5 or fraction >= 1.0:
            self._last_write = now
            _set(self.session, self.key, (RunStatus.RUNNING,), progress=min(1.0, fraction))

    def cancelled(self) -> bool:
        now = time.monotonic()
        if now - self.started > self.limit_s:
            self.timed_out = True
            return True
        if now - self._last_read < 0.5:
            return False
        self._last_read = now
        wanted = self.session.scalar(
            select(func.count()).where(SimulationRun.cache_key == self.key, SimulationRun.status.in_(ACTIVE),
                                       SimulationRun.cancel_requested.is_(False))
        )  # fmt: skip
        self.session.commit()  # hold no lock while the engine traces the next chunk
        return not wanted


def _runs(session: Session, key: str, statuses: tuple[RunStatus, ...]) -> list[SimulationRun]:
    query = select(SimulationRun).where(SimulationRun.cache_key == key, SimulationRun.status.in_(statuses))
    return list(session.scalars(query.order_by(SimulationRun.id)))


def _set(session: Session, key: str, statuses: tuple[RunStatus, ...], **values: Any) -> None:
    """Update every request sharing ``key`` in ``statuses`` and commit, so pages see it at once."""
    session.execute(
        update(SimulationRun)
        .where(SimulationRun.cache_key == key, SimulationRun.status.in_(statuses))
        .values(**values)
    )
    session.commit()
