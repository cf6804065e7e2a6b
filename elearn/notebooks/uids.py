"""One unprivileged uid per concurrent sandbox, so RLIMIT_NPROC counts one run's processes.

The kernel counts processes per real uid and never limits uid 0, so each running sandbox gets
its own uid from a range nobody else uses, held by an exclusive lock file for the run's length.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import signal
import tempfile
import time
from collections.abc import Iterator

UID_BASE = 61000
UID_COUNT = 500


def _lock_folder() -> str:
    folder = os.path.join(tempfile.gettempdir(), "elearn-sandbox-uids")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def sandbox_uid() -> Iterator[int]:
    """Hold a free uid of the range (also its gid) until the block ends."""
    folder = _lock_folder()
    slots = list(range(UID_COUNT))
    random.shuffle(slots)
    for slot in slots:
        fd = os.open(os.path.join(folder, str(slot)), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield UID_BASE + slot
        finally:
            try:
                reap_uid(UID_BASE + slot)
            finally:
                os.close(fd)
        return
    raise RuntimeError(f"all {UID_COUNT} sandbox uids are in use")


def processes_of(uid: int) -> list[int]:
    """Host pids whose owner is ``uid`` (read from /proc)."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                if os.stat(f"/proc/{name}").st_uid == uid:
                    pids.append(int(name))
    return pids


def reap_uid(uid: int, timeout: float = 5.0) -> None:
    """Before a uid is reused: wait for its processes to go (a dying pid namespace takes
    a moment), then kill any left, so the next run starts with a process count of zero."""
    deadline = time.monotonic() + timeout
    while (pids := processes_of(uid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stray_processes() -> list[int]:
    """Pids running as a sandbox uid that no run holds: should always be empty (a health
    check; uids in use by live runs, in this or another process, are skipped)."""
    by_uid: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                uid = os.stat(f"/proc/{name}").st_uid
                if UID_BASE <= uid < UID_BASE + UID_COUNT:
                    by_uid.setdefault(uid, []).append(int(name))
    stray = []
    for uid, pids in by_uid.items():
        fd = os.open(os.path.join(_lock_folder(), str(uid - UID_BASE)),
                     os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run holds it
        finally:
            os.close(fd)
        stray.extend(pids)
    return stray
