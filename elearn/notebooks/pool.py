"""Pre-started sandboxed kernels, each used for exactly one notebook (no state is shared).

A cold run spends ~1.5-2 s starting the interpreter, the kernel and numpy/matplotlib before
the first cell; a pooled runner has done that already and waits for its notebook on stdin,
so submit-to-score is the notebook's own run time. Each runner is its own sandbox (own uid,
namespaces, limits) and is thrown away after one use; a replacement starts at once.

Runners are started by one long-lived spawner thread: bwrap --die-with-parent kills a
sandbox when the thread that started it ends (PR_SET_PDEATHSIG is per thread).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections import deque

from elearn.notebooks.sandbox import SandboxLimits
from elearn.notebooks.sandbox_process import SandboxProcess

READY = b'{"event": "ready"}'
WARM_UP_NICE = 19  # until taken: then back to 0


class KernelPool:
    """Keeps ``size`` warm runners for one set of limits; thread-safe. ``close`` it (or let
    the interpreter exit) to kill the idle runners; runners in use keep running until then."""

    def __init__(self, limits: SandboxLimits, size: int = 2) -> None:
        self.limits, self.size = limits, size
        self._idle: deque[SandboxProcess] = deque()
        self._wake = threading.Condition()
        self._closed = False
        self._spawner = threading.Thread(target=self._spawn_forever, daemon=True,
                                         name="kernel-pool-spawner")
        self._spawner.start()
        atexit.register(self.close)

    def _spawn_forever(self) -> None:
        from elearn.notebooks.execute import start_runner

        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._closed or len(self._idle) < self.size)
                if self._closed:
                    return
            try:
                process = start_runner(self.limits, warm=True, nice=WARM_UP_NICE)
            except Exception:  # sandbox unavailable: callers fall back to cold runs
                time.sleep(5)
                continue
            with self._wake:
                self._idle.append(process)
            # One warm-up at a time, at low priority: refilling after a burst of
            # submissions must not take the CPU the submissions themselves need.
            deadline = time.monotonic() + 60
            while process.alive() and not process.printed(READY) \
                    and time.monotonic() < deadline and not self._closed:
                time.sleep(0.05)

    def refill(self) -> None:
        """Ask the spawner to top the pool up to ``size`` (it does so on its own too)."""
        with self._wake:
            self._wake.notify_all()

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until ``size`` idle runners have their kernel up (e.g. at worker start)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._wake:
                idle = list(self._idle)
            if len(idle) >= self.size and all(p.printed(READY) for p in idle):
                return True
            time.sleep(0.05)
        return False

    def take(self) -> SandboxProcess | None:
        """An idle, living runner (oldest first), or None when the pool is empty."""
        taken, dead = None, []
        with self._wake:
            while self._idle and taken is None:
                process = self._idle.popleft()
                if process.alive():
                    taken = process
                    taken.prioritise()
                else:
                    dead.append(process)
            self._wake.notify_all()
        for process in dead:
            process.discard()
        return taken

    def close(self) -> None:
        """Stop refilling and kill the idle runners; later ``take`` calls return None."""
        with self._wake:
            self._closed = True
            idle, self._idle = list(self._idle), deque()
            self._wake.notify_all()
        for process in idle:
            with contextlib.suppress(Exception):
                process.discard()
        atexit.unregister(self.close)
