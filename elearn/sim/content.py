"""A course's simulations, from ``course.yaml``: which instruments it uses, in which module,
and the parameter ranges its teachers allow (students' runs in the course stay inside them).

    simulations:
      - instrument: SANS_spheres.instr
        module: Structure and dynamics
        ranges: {R: [20, 500], lambda: [4, 10]}
        cache: never   # optional: every run a fresh random seed, never a cached result
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity, register_provider
from elearn.config import simulations_folder
from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.kinds import ContentKind, register_content_kind
from elearn.courses.models import Course, Module
from elearn.grades import ActivityRef
from elearn.sim.instrument import InstrumentError, parse_instrument
from elearn.sim.models import CourseSimulation
from elearn.sim.runs import INSTRUMENT_FILE

ENTRY_KEYS = {"instrument", "module", "ranges", "cache"}
CACHE_CHOICES = ("always", "never")  # never: every run a fresh random seed, no result reused


def _entries(
    source: CourseSource, problems: list[ContentProblem]
) -> list[tuple[str, str | None, dict[str, Any], bool]]:
    """(instrument file, module title, ranges, cache never) for every valid entry."""
    raw = source.sections.get("simulations") or []
    where = source.where("course.yaml")
    if not isinstance(raw, list):
        problems.append(ContentProblem(where, source.line_of("simulations"), "simulations: expected a list"))
        return []
    modules = {module.title for module in source.modules}
    found = []
    for entry in raw:
        name = entry.get("instrument") if isinstance(entry, dict) else None
        line = source.line_of(str(name)) if name else source.line_of("simulations")
        if not isinstance(name, str) or not INSTRUMENT_FILE.match(name):
            problems.append(
                ContentProblem(where, line, "simulations: each entry needs instrument: NAME.instr")
            )
            continue
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            problems.append(
                ContentProblem(where, line, f"simulation {name}: unknown keys {', '.join(sorted(unknown))}")
            )
        path = simulations_folder() / name
        if not path.is_file():
            problems.append(
                ContentProblem(where, line, f"simulation {name}: no such instrument in {path.parent}")
            )
            continue
        try:
            instrument = parse_instrument(path)
        except InstrumentError as error:
            problems.append(ContentProblem(where, line, f"simulation {name}: {error}"))
            continue
        module = entry.get("module")
        if module is not None and module not in modules:
            problems.append(ContentProblem(where, line, f"simulation {name}: no module titled {module!r}"))
        ranges = entry.get("ranges") or {}
        problems += [ContentProblem(where, line, f"simulation {name}: {message}")
                     for message in _range_problems(instrument, ranges)]  # fmt: skip
        cache = entry.get("cache", "always")
        if cache not in CACHE_CHOICES:
            message = f"simulation {name}: cache must be always or never, not {cache!r}"
            problems.append(ContentProblem(where, line, message))
        found.append((name, module, ranges, cache == "never"))
    return found


def _range_problems(instrument: Any, ranges: Any) -> list[str]:
    if not isinstance(ranges, dict):
        return ["ranges must map parameter names to [min, max]"]
    problems = []
    for parameter, bounds in ranges.items():
        declared = instrument.parameter(parameter)
        if declared is None:
            problems.append(f"ranges: the instrument has no parameter {parameter!r}")
        elif declared.type == "string":
            problems.append(f"ranges: {parameter} is a string parameter")
        elif not _is_interval(bounds):
            problems.append(f"ranges: {parameter} needs [min, max] with min <= max, not {bounds!r}")
        elif declared.default is not None and not bounds[0] <= float(declared.default) <= bounds[1]:
            problems.append(f"ranges: the default {parameter}={declared.default} lies outside {bounds}")
    return problems


def _is_interval(bounds: Any) -> bool:
    if not (isinstance(bounds, list) and len(bounds) == 2):
        return False
    return all(isinstance(b, int | float) for b in bounds) and bounds[0] <= bounds[1]


def check_simulations(source: CourseSource) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    _entries(source, problems)
    return problems


def load_simulations(session: Session, course: Course, source: CourseSource) -> list[str]:
    """Replace the course's simulation list (runs are not touched)."""
    modules = {m.title: m.id for m in session.scalars(select(Module).where(Module.course_id == course.id))}
    for old in session.scalars(select(CourseSimulation).where(CourseSimulation.course_id == course.id)):
        session.delete(old)
    session.flush()
    entries = _entries(source, [])
    for position, (name, module, ranges, cache_never) in enumerate(entries, start=1):
        allowed = {key: [float(low), float(high)] for key, (low, high) in ranges.items()}
        module_id = modules.get(module) if module else None
        row = CourseSimulation(course_id=course.id, instrument=name, position=position, module_id=module_id,
                               cache_never=cache_never)  # fmt: skip
        row.ranges = allowed
        session.add(row)
    session.flush()
    return [f"{course.slug}: {len(entries)} simulations"] if entries else []


def course_simulation(session: Session, course_slug: str, instrument: str) -> CourseSimulation | None:
    """A course's entry for an instrument; None if the course does not use it."""
    return session.scalar(
        select(CourseSimulation)
        .join(Course)
        .where(Course.slug == course_slug, CourseSimulation.instrument == instrument)
    )


def course_ranges(
    session: Session, course_slug: str, instrument: str
) -> dict[str, tuple[float, float]] | None:
    """The ranges a course allows for an instrument; None if the course does not use it."""
    row = course_simulation(session, course_slug, instrument)
    return None if row is None else {name: (low, high) for name, (low, high) in row.ranges.items()}


def simulation_activities(session: Session, course_slug: str) -> list[Activity]:
    rows = session.execute(
        select(CourseSimulation.instrument, Module.title)
        .join(Course, Course.id == CourseSimulation.course_id)
        .outerjoin(Module, Module.id == CourseSimulation.module_id)
        .where(Course.slug == course_slug)
        .order_by(CourseSimulation.position)
    )
    return [
        Activity(ActivityRef("simulation", f"{course_slug}/{name}"), course_slug, module or "",
                 name.removesuffix(".instr").replace("_", " "), f"/courses/{course_slug}/sim/{name}", None)
        for name, module in rows
    ]  # fmt: skip


register_content_kind(ContentKind("simulations", check_simulations, load_simulations))
register_provider("simulation", simulation_activities)
