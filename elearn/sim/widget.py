"""The inline simulation widget of a theory page: a ```` ```simulation ```` block with YAML inside.

    ```simulation
    instrument: Guide_slits.instr
    fixed: {guide_length: 10}
    vary: [m, lambda]        # the reader may change these (or {m: 2} to start from 2)
    monitors: [lambda_mon]   # which plots to show (optional: every monitor)
    ncount: 1e5
    ```

The page HTML is rendered once and served to everyone, so the widget holds nothing per user:
with JavaScript (widget.js) it posts to the course's run route and draws the plots inline;
without, its form opens the course's instrument page with the values filled in. The course's
parameter ranges are enforced by that route; at import, ``check_widgets`` also checks the
block against course.yaml (the instrument is listed, fixed and start values inside the ranges).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from elearn.config import simulations_folder
from elearn.courses.content import ContentProblem, CourseSource
from elearn.courses.kinds import ContentKind, register_content_kind
from elearn.courses.yaml_lines import LineDict, YamlSyntaxError, load_yaml
from elearn.sim.instrument import Instrument, InstrumentError, parse_instrument
from elearn.sim.parameters import convert_value
from elearn.sim.runs import INSTRUMENT_FILE, SimulationError, parse_ncount
from elearn.wiki.markup import PARSER, Fence, register_fence

KEYS = {"instrument", "fixed", "vary", "monitors", "ncount"}
DEFAULT_NCOUNT = 100_000


@dataclass
class WidgetSpec:
    instrument: Instrument
    file: str
    fixed: dict[str, Any] = field(default_factory=dict)
    vary: dict[str, Any] = field(default_factory=dict)  # name -> start value
    monitors: list[str] = field(default_factory=list)
    ncount: int = DEFAULT_NCOUNT


def monitor_names(instrument: Instrument) -> list[str]:
    """Components that write a histogram (McStas monitors are named *_monitor / Monitor_nD)."""
    return [c.name for c in instrument.components if "monitor" in c.type.lower()]


def parse_widget(source: str, line: int) -> tuple[WidgetSpec | None, list[tuple[int, str]]]:
    """Validate a block against its instrument; problems carry file lines (``line`` = first line)."""
    try:
        raw = load_yaml(source)
    except YamlSyntaxError as error:
        return None, [(line + error.line - 1, f"simulation block: {error.message}")]
    if not isinstance(raw, LineDict):
        return None, [(line, "simulation block: expected 'instrument:' and other keys")]

    def at(key: str) -> int:
        return line + raw.line_of(key) - 1

    problems = [(at(key), f"simulation block: unknown key {key!r} (use {', '.join(sorted(KEYS))})")
                for key in raw if key not in KEYS]  # fmt: skip
    file = raw.get("instrument")
    if not isinstance(file, str) or not INSTRUMENT_FILE.match(file):
        return None, [*problems, (at("instrument"), "simulation block: needs instrument: NAME.instr")]
    path = simulations_folder() / file
    if not path.is_file():
        return None, [*problems, (at("instrument"), f"simulation block: there is no instrument {file!r}")]
    try:
        instrument = parse_instrument(path)
    except InstrumentError as error:
        return None, [*problems, (at("instrument"), f"simulation block: {error}")]
    spec = WidgetSpec(instrument, file)
    fixed, vary = raw.get("fixed") or {}, raw.get("vary") or []
    if isinstance(vary, list):
        vary = {name: None for name in vary}
    for key, given, target in (("fixed", fixed, spec.fixed), ("vary", vary, spec.vary)):
        if not isinstance(given, dict):
            problems.append((at(key), f"simulation block: {key} must be a list or mapping of parameters"))
            continue
        for name, value in given.items():
            problems += _parameter(instrument, key, str(name), value, at(key), target)
    for name in set(spec.fixed) & set(spec.vary):
        problems.append((at("vary"), f"simulation block: {name} is both fixed and varied"))
    known = monitor_names(instrument)
    monitors = raw.get("monitors") or known
    for name in monitors if isinstance(monitors, list) else [monitors]:
        if name not in known:
            problems.append((at("monitors"), f"simulation block: {file} has no monitor {name!r} "
                                             f"(it has {', '.join(known)})"))  # fmt: skip
        else:
            spec.monitors.append(name)
    try:
        spec.ncount = parse_ncount(raw.get("ncount", DEFAULT_NCOUNT))
    except SimulationError as error:
        problems.append((at("ncount"), f"simulation block: ncount {error}"))
    return spec, problems


def _parameter(instrument: Instrument, key: str, name: str, value: Any, line: int,
               target: dict[str, Any]) -> list[tuple[int, str]]:  # fmt: skip
    declared = instrument.parameter(name)
    if declared is None:
        known = ", ".join(p.name for p in instrument.parameters)
        return [(line, f"simulation block: {key}: the instrument has no parameter {name!r} (it has {known})")]
    if value is None:
        if declared.default is None:
            return [(line, f"simulation block: {key}: {name} has no default; give a start value")]
        value = declared.default
    try:
        target[name] = convert_value(instrument, name, str(value))
    except InstrumentError as error:
        return [(line, f"simulation block: {key}: {str(error).split(': ', 1)[-1]}")]
    return []


def render_widget(fence: Fence) -> tuple[str, list[tuple[int, str]]]:
    """The widget's HTML (the same for every reader) and the block's problems."""
    spec, problems = parse_widget(fence.source, fence.line)
    if spec is None:
        return '<p class="flash error">This simulation block has errors.</p>', problems
    page_url = f"{fence.course_url}/sim/{spec.file}"
    ident = f"sim-{fence.line}"
    e = html.escape
    fields = []
    for name, value in spec.vary.items():
        declared = spec.instrument.parameter(name)
        assert declared is not None
        unit = f' <span class="unit">[{e(declared.unit)}]</span>' if declared.unit else ""
        fields.append(
            f'<label for="{ident}-{e(name)}">{e(name)}{unit}</label>'
            f'<input id="{ident}-{e(name)}" name="{e(name)}" value="{e(str(value))}" data-param="{e(name)}"'
            f' inputmode="decimal" aria-describedby="{ident}-{e(name)}-help">'
            f'<span id="{ident}-{e(name)}-help" class="help">{e(declared.description)}</span>'
        )
    hidden = "".join(f'<input type="hidden" name="{e(n)}" value="{e(str(v))}" data-param="{e(n)}">'
                     for n, v in spec.fixed.items())  # fmt: skip
    fixed_text = ", ".join(f"{n} = {v}" for n, v in spec.fixed.items())
    return (
        f'<section class="sim-widget" id="{ident}" aria-label="Simulation of {e(spec.instrument.name)}"'
        f' data-run-url="{e(page_url)}/runs" data-form-url="{e(page_url)}/form.json"'
        f' data-monitors="{e(" ".join(spec.monitors))}" data-ncount="{spec.ncount}">'
        f'<form method="get" action="{e(page_url)}" class="sim-widget-form">'
        f"<fieldset><legend>Simulation: {e(spec.instrument.name)}</legend>"
        f'<div class="param-grid">{"".join(fields)}</div>{hidden}'
        + (f'<p class="sim-widget-fixed">Fixed: {e(fixed_text)}.</p>' if fixed_text else "")
        + f'<p class="help">{spec.ncount:.0e} neutrons; plots: {e(", ".join(spec.monitors))}.</p>'
        '<button type="submit" class="primary">Run</button> '
        '<span class="sim-widget-message" role="status"></span>'
        "</fieldset></form>"
        '<div class="sim-widget-progress" hidden><progress max="1" value="0">0 %</progress> '
        '<span class="sim-widget-state"></span></div>'
        '<div class="sim-widget-plots"></div>'
        '<link rel="stylesheet" href="/static/sim/plot.css">'
        '<script src="/static/sim/plot.js" defer></script><script src="/static/sim/widget.js" defer></script>'
        "</section>"
    ), problems


def _blocks(source: CourseSource) -> list[tuple[str, WidgetSpec, int]]:
    """(page file, spec, first line) of every valid simulation block in the course's pages."""
    found = []
    for page in source.pages:
        for token in PARSER.parse(page.body):
            if token.type == "fence" and token.info.strip() == "simulation" and token.map:
                line = page.body_line + token.map[0] + 1
                spec, _ = parse_widget(token.content, line)
                if spec is not None:
                    found.append((page.file, spec, line))
    return found


def check_widgets(source: CourseSource) -> list[ContentProblem]:
    """A widget's instrument must be one of the course's simulations, its values inside the ranges."""
    listed = {entry.get("instrument"): entry.get("ranges") or {}
              for entry in source.sections.get("simulations") or [] if isinstance(entry, dict)}  # fmt: skip
    problems = []
    for file, spec, line in _blocks(source):
        where = source.where(file)
        if spec.file not in listed:
            problems.append(ContentProblem(where, line, f"simulation block: {spec.file} is not listed under "
                                                        "simulations: in course.yaml"))  # fmt: skip
            continue
        ranges = listed[spec.file] if isinstance(listed[spec.file], dict) else {}
        for name, value in {**spec.fixed, **spec.vary}.items():
            bounds = ranges.get(name)
            if not (isinstance(value, int | float) and isinstance(bounds, list) and len(bounds) == 2):
                continue
            if not bounds[0] <= value <= bounds[1]:
                kind = "fixed" if name in spec.fixed else "varied"
                message = f"simulation block: {kind} {name}={value} lies outside the course's range {bounds}"
                problems.append(ContentProblem(where, line, message))
    return problems


register_fence("simulation", render_widget)
register_content_kind(ContentKind("simulation widgets", check_widgets, lambda session, course, source: []))
