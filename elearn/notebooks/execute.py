"""Execute a notebook with nbclient and a fresh ipykernel inside the sandbox.

The runner (runner.py) streams one JSON line per finished cell, so a notebook that kills its
kernel, its runner or hits the wall time still yields every cell that finished before, and the
cell that was running is marked with a clear error instead of silently missing.
"""

from __future__ import annotations

import copy
import json
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from elearn.notebooks.pool import KernelPool
from elearn.notebooks.sandbox import SANDBOX_OPT, SandboxLimits, start_sandboxed
from elearn.notebooks.sandbox_process import SandboxProcess

RUNNER = Path(__file__).with_name("runner.py")

# Problem kinds, as they appear in ExecutionResult.stopped and CellRun.limit.
STOP_MESSAGES = {
    "wall_time": "the notebook ran longer than the wall-time limit of {wall_time:g} s "
                 "and was stopped",
    "output": "the notebook printed more than the output limit and was stopped",
    "kernel_died": "the Python kernel died{how} (it hit the CPU-time or memory limit, "
                   "crashed or was killed by the notebook itself)",
    "runner_died": "the notebook's execution process ended unexpectedly (exit code {code}); "
                   "the notebook may have killed it",
}


@dataclass
class CellRun:
    """How one code cell ended: status "ok", "error" or "not_run"; limit that stopped it."""

    index: int
    status: str
    limit: str | None = None


@dataclass
class ExecutionResult:
    """The executed notebook (outputs filled in) and, when the run stopped early, why."""

    notebook: NotebookNode
    cells: dict[int, CellRun] = field(default_factory=dict)
    stopped: str | None = None  # a key of STOP_MESSAGES, None when every cell ran
    message: str | None = None  # the sentence shown to the student when stopped
    wall_time: float = 0.0  # s
    isolation: str = "bubblewrap"


def start_runner(limits: SandboxLimits, warm: bool = False, nice: int = 0) -> SandboxProcess:
    """A sandboxed runner whose kernel is starting; it waits for a notebook on stdin."""
    command = [sys.executable, "-I", f"{SANDBOX_OPT}/runner.py",
               "--cell-timeout", str(limits.cell_timeout),
               "--output-limit", str(limits.output // 2)] + (["--warm"] if warm else [])
    return start_sandboxed(command, limits, files={f"{SANDBOX_OPT}/runner.py": RUNNER},
                           nice=nice)


def execute_notebook(nb: NotebookNode, limits: SandboxLimits | None = None,
                     on_event: Callable[[dict], None] | None = None,
                     pool: KernelPool | None = None) -> ExecutionResult:
    """Run every code cell of ``nb`` (not modified) in a fresh sandboxed kernel.

    ``on_event`` receives the runner's events (``{"event": "start", "index": i}``, ...) as
    they arrive, for live progress. With a ``pool`` made for the same limits, a pre-started
    kernel is used (once). Raises SandboxError when the sandbox cannot start.
    """
    limits = limits or (pool.limits if pool else SandboxLimits())
    executed = copy.deepcopy(nb)
    for cell in executed.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    events: list[dict] = []

    def on_line(line: bytes) -> None:
        try:
            event = json.loads(line)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        events.append(event)
        if on_event is not None:
            on_event(event)

    process = pool.take() if pool is not None and pool.limits == limits else None
    if process is None:
        process = start_runner(limits)
    run = process.finish(nbformat.writes(executed).encode(), limits.wall_time, on_line)
    result = ExecutionResult(executed, wall_time=run.wall_time, isolation=run.isolation)
    running = _apply_events(result, events)
    ended = any(e.get("event") == "end" for e in events)
    dead = next((e for e in events if e.get("event") == "dead"), None)
    if dead is not None:
        _stop(result, "kernel_died", dead.get("index"), how=_how(dead.get("signal")))
    elif run.killed:
        _stop(result, run.killed, running, wall_time=limits.wall_time)
    elif not ended:
        detail = run.stderr.decode(errors="replace").strip().splitlines()[-1:]
        _stop(result, "runner_died", running, code=run.returncode)
        if not result.cells and detail:
            result.message = f"{result.message}: {detail[0]}"
    for index, cell in enumerate(executed.cells):
        if cell.cell_type == "code" and index not in result.cells:
            result.cells[index] = CellRun(index, "not_run")
    return result


def _apply_events(result: ExecutionResult, events: list[dict]) -> int | None:
    """Put finished cells' outputs into the notebook; return the index of the cell left
    running. Events come from inside the sandbox, so only outputs and the status are taken,
    for code cells that exist, and malformed outputs count as an error."""
    running = None
    cells = result.notebook.cells
    for event in events:
        index = event.get("index")
        if not isinstance(index, int) or not 0 <= index < len(cells) \
                or cells[index].cell_type != "code":
            continue
        if event.get("event") == "start":
            running = index
        elif event.get("event") == "cell":
            cell = event.get("cell")
            if not isinstance(cell, dict):
                cell = {}
            ok = event.get("status") == "ok"
            try:
                cells[index].outputs = [nbformat.from_dict(o) for o in cell.get("outputs", [])]
                nbformat.validate(result.notebook)
                count = cell.get("execution_count")
                cells[index].execution_count = count if isinstance(count, int) else None
            except (nbformat.ValidationError, AttributeError, TypeError):
                cells[index].outputs, ok = [], False
            limit = event.get("limit") if event.get("limit") in ("output", "timeout") else None
            result.cells[index] = CellRun(index, "ok" if ok else "error", limit)
            running = None
    return running


SIGNAL_NAMES = {int(signal.SIGXCPU): "CPU-time limit", int(signal.SIGSEGV): "segmentation fault",
                int(signal.SIGKILL): "SIGKILL", int(signal.SIGABRT): "abort"}


def _how(signum: int | None) -> str:
    """' (what killed it)' from the kernel's terminating signal number, or ''."""
    if not signum:
        return ""
    try:
        name = SIGNAL_NAMES.get(signum) or signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    return f" ({name})"


def _stop(result: ExecutionResult, kind: str, index: int | None, **values) -> None:
    result.stopped = kind
    result.message = STOP_MESSAGES[kind].format(**values)
    if index is None or not 0 <= index < len(result.notebook.cells):
        return
    cell = result.notebook.cells[index]
    cell.outputs.append(nbformat.v4.new_output(
        "error", ename="ExecutionStopped", evalue=result.message, traceback=[result.message]))
    result.cells[index] = CellRun(index, "error", kind)
