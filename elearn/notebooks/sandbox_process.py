"""A started sandbox: stdout read line by line with a size cap, stdin given once, wall time
counted from then, and the whole process group killed on any outside limit."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from elearn.notebooks.errors import SandboxError

STDERR_KEPT = 65536  # bytes of stderr kept for diagnostics


@dataclass
class SandboxResult:
    """What came out of one run; ``killed`` names the outside limit that stopped it, if any."""

    returncode: int
    stdout: bytes
    stderr: bytes
    wall_time: float  # s, from stdin handed over to exit
    killed: str | None  # None, "wall_time" or "output"
    isolation: str  # "bubblewrap" or "weak"


class SandboxProcess:
    """One sandbox process, started at once; ``finish`` feeds stdin and waits for the end.

    ``cleanup`` (an ExitStack) releases the run's uid and folders when the process is done.
    bwrap's --die-with-parent kills the sandbox when the *thread* that started it ends, so
    start it from a thread that outlives the run (the caller's, or a pool's spawner).
    """

    def __init__(self, argv: list[str], output_limit: int, isolation: str,
                 cleanup: contextlib.ExitStack, uid: int, cwd: str | None = None,
                 env: dict | None = None) -> None:
        self.isolation, self.output_limit, self.cleanup = isolation, output_limit, cleanup
        self.uid = uid  # the run's own uid: nothing else runs as it
        self.on_line: Callable[[bytes], None] | None = None
        self.killed: str | None = None
        self._out, self._err = bytearray(), bytearray()
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, cwd=cwd, env=env,
                                         start_new_session=True)
        except OSError as exc:
            cleanup.close()
            raise SandboxError(f"could not start the sandbox: {exc}") from exc
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._stdin, self._stdout = self.proc.stdin, self.proc.stdout
        self._stderr = self.proc.stderr
        self._readers = [threading.Thread(target=f, daemon=True)
                         for f in (self._read_stdout, self._read_stderr)]
        for thread in self._readers:
            thread.start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def prioritise(self) -> None:
        """Back to normal CPU priority (nice 0) for every process of the run's uid."""
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_USER, self.uid, 0)

    def printed(self, data: bytes) -> bool:
        """Whether stdout so far contains ``data`` (e.g. a runner's ready line)."""
        return data in self._out

    def kill(self, reason: str) -> None:
        """Kill bwrap's process group; --die-with-parent takes the pid namespace with it."""
        self.killed = self.killed or reason
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def _read_stdout(self) -> None:
        with self._stdout:
            for line in self._stdout:
                if len(self._out) + len(line) > self.output_limit:
                    self.kill("output")
                    break
                self._out.extend(line)
                if self.on_line is not None:
                    self.on_line(line)

    def _read_stderr(self) -> None:
        with self._stderr:
            while chunk := self._stderr.read(65536):
                self._err.extend(chunk[: max(0, STDERR_KEPT - len(self._err))])

    def finish(self, stdin: bytes, wall_time: float,
               on_line: Callable[[bytes], None] | None = None) -> SandboxResult:
        """Hand over ``stdin``, wait up to ``wall_time`` s, collect the result, clean up."""
        self.on_line = on_line
        start = time.monotonic()
        writer = threading.Thread(target=self._write, args=(stdin,), daemon=True)
        writer.start()
        try:
            self.proc.wait(timeout=wall_time)
        except subprocess.TimeoutExpired:
            self.kill("wall_time")
            self.proc.wait()
        finally:
            for thread in [*self._readers, writer]:
                thread.join(timeout=5)  # each reader closes its own pipe at EOF
            if not writer.is_alive():
                self._stdin.close()
            self.cleanup.close()
        return SandboxResult(self.proc.returncode, bytes(self._out), bytes(self._err),
                             time.monotonic() - start, self.killed, self.isolation)

    def discard(self) -> None:
        """Kill an unused process and release its resources."""
        self.kill("discarded")
        self.finish(b"", wall_time=5)

    def _write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self._stdin.write(data)
            self._stdin.close()
