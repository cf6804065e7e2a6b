"""Turn a parsed Instrument plus parameter values into runnable component objects.

Evaluates DECLARE/INITIALIZE, component arguments and AT/ROTATED placements (McStas
order: P = P_ref + R_ref^T at, R = R_rot R_ref), and refuses with the component or block
and its line anything the embedded engine cannot run faithfully.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...expressions import ExpressionError, evaluate_text
from ...instrument import ComponentInstance, Instrument, InstrumentError
from ...statements import StatementError, run_block
from . import incoherent, monitors, monochromator, optics, samples, sources  # noqa: F401
from .component import REGISTRY, BuildContext, Component, ComponentSetupError, Placement
from .geometry import rotation_matrix

USE_MCSTAS = "use the McStas engine"


@dataclass
class Model:
    """Ready-to-trace components in beam order, with SPLIT counts (1 = no split)."""

    instrument: Instrument
    components: list[Component]
    splits: list[int]
    placements: list[Placement]


def _refuse(instrument: Instrument, what: str, line: int | None) -> InstrumentError:
    return InstrumentError(
        f"{what}: the embedded engine cannot run this; {USE_MCSTAS}", instrument.path, line
    )


def _check_supported(instrument: Instrument) -> None:
    for name, block in instrument.other_blocks.items():
        if not block.empty:
            raise _refuse(instrument, f"{name} block", block.line)
    for name, last in (("SAVE", instrument.save), ("FINALLY", instrument.finally_)):
        if last is not None and not last.empty:
            raise _refuse(instrument, f"{name} block", last.line)
    if instrument.includes:
        raise _refuse(instrument, "%include in TRACE", instrument.includes[0])
    for comp in instrument.components:
        label = f"component {comp.name} ({comp.type})"
        if comp.when is not None:
            raise _refuse(instrument, f"WHEN condition on {label}", comp.line)
        if comp.extend is not None:
            raise _refuse(instrument, f"EXTEND block on {label}", comp.line)
        if comp.group is not None:
            raise _refuse(instrument, f"GROUP {comp.group} on {label}", comp.line)
        if comp.jumps:
            raise _refuse(instrument, f"JUMP on {label}", comp.line)


def _environment(instrument: Instrument, params: dict) -> dict:
    env = dict(params)
    for block, declare in ((instrument.declare, True), (instrument.initialize, False)):
        if block is None or block.empty:
            continue
        name = "DECLARE" if declare else "INITIALIZE"
        try:
            run_block(block.text, block.line, env, declare)
        except StatementError as exc:
            raise _refuse(instrument, f"{name} code ({exc.message})", exc.line) from exc
    return env


def _value(instrument: Instrument, text: str, env: dict, line: int, what: str):
    try:
        return evaluate_text(text, env)
    except (ExpressionError, ZeroDivisionError) as exc:
        raise InstrumentError(
            f"{what}: cannot evaluate {text.strip()!r} ({exc})", instrument.path, line
        ) from exc


def _reference(instrument: Instrument, ref: str, index: int, line: int) -> int | None:
    """Index of the placement reference, None for ABSOLUTE."""
    if ref == "ABSOLUTE":
        return None
    if ref.startswith("PREVIOUS"):
        back = int(ref[9:-1]) if "(" in ref else 1
        if index - back < 0:
            raise InstrumentError("PREVIOUS used on the first component", instrument.path, line)
        return index - back
    names = [c.name for c in instrument.components[:index]]
    if ref not in names:
        raise InstrumentError(f"placement relative to unknown component {ref!r}", instrument.path, line)
    return names.index(ref)


def _placements(instrument: Instrument, env: dict) -> list[Placement]:
    placements: list[Placement] = []
    for i, comp in enumerate(instrument.components):
        at = np.array(
            [float(_value(instrument, e, env, comp.at.line, f"AT of {comp.name}")) for e in comp.at.exprs]
        )
        ref = _reference(instrument, comp.at.relative_to, i, comp.at.line)
        ref_pos = placements[ref].position if ref is not None else np.zeros(3)
        ref_rot = placements[ref].rotation if ref is not None else np.eye(3)
        position = ref_pos + ref_rot.T @ at
        rotation = ref_rot
        if comp.rotated is not None:
            angles = [
                float(_value(instrument, e, env, comp.rotated.line, f"ROTATED of {comp.name}"))
                for e in comp.rotated.exprs
            ]
            rref = _reference(instrument, comp.rotated.relative_to, i, comp.rotated.line)
            base = placements[rref].rotation if rref is not None else np.eye(3)
            rotation = rotation_matrix(*angles) @ base
        placements.append(Placement(position, rotation))
    return placements


def _resolve_copy(instrument: Instrument, comp: ComponentInstance, index: int):
    if comp.copy_of is None:
        return comp.type, comp.args
    for other in instrument.components[:index]:
        if other.name == comp.copy_of:
            ctype, args = _resolve_copy(instrument, other, instrument.components.index(other))
            return ctype, {**args, **comp.args}
    raise InstrumentError(f"COPY of unknown component {comp.copy_of!r}", instrument.path, comp.line)


def build_model(instrument: Instrument, params: dict) -> Model:
    """Evaluate everything the trace needs; InstrumentError names what cannot be run."""
    _check_supported(instrument)
    env = _environment(instrument, params)
    placements = _placements(instrument, env)
    ctx = BuildContext(placements, [c.name for c in instrument.components])
    components, splits = [], []
    for i, comp in enumerate(instrument.components):
        ctype, arg_texts = _resolve_copy(instrument, comp, i)
        cls = REGISTRY.get(ctype)
        if cls is None:
            raise _refuse(instrument, f"component {comp.name} of type {ctype} is not implemented", comp.line)
        args = {k: _value(instrument, v, env, comp.line, f"{comp.name}.{k}") for k, v in arg_texts.items()}
        for key, value in args.items():
            if key in cls.string_params and not isinstance(value, str) and value == 0:
                args[key] = ""
        try:
            components.append(cls(comp.name, args, i, ctx))
        except ComponentSetupError as exc:
            raise InstrumentError(f"component {comp.name}: {exc}", instrument.path, comp.line) from exc
        split = 1
        if comp.split is not None:
            split = int(_value(instrument, comp.split, env, comp.line, f"SPLIT of {comp.name}"))
        splits.append(max(split, 1))
    return Model(instrument, components, splits, placements)
