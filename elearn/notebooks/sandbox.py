"""Run untrusted commands under bubblewrap with resource limits (see docs/sandbox.md).

The sandbox has its own pid, network, ipc, uts, mount (and cgroup) namespaces: no network
interface but an empty loopback, a read-only view of only the interpreter, its packages and
/usr, private size-capped tmpfs folders (home, /tmp), a clean environment, and rlimits on CPU
time, memory, processes, open files and file size set by the launcher, which also drops to a
per-run unprivileged uid (no user namespace: RLIMIT_NPROC must count a real non-root uid).
Wall time and output size are enforced from outside by killing bwrap, which takes the whole
pid namespace with it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from elearn.notebooks.errors import SandboxError
from elearn.notebooks.sandbox_process import SandboxProcess, SandboxResult
from elearn.notebooks.uids import sandbox_uid

LAUNCHER = Path(__file__).with_name("launcher.py")
SANDBOX_OPT = "/opt/elearn"
SANDBOX_WORK = "/home/student"  # the private working folder, also HOME
SANDBOX_ENV = {
    "HOME": SANDBOX_WORK,
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "IPYTHONDIR": "/tmp/ipython",
    "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
    "JUPYTER_PLATFORM_DIRS": "1",
    "MALLOC_ARENA_MAX": "2",  # each glibc arena reserves 64 MiB of address space
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclass(frozen=True)
class SandboxLimits:
    """Limits of one sandboxed run; the defaults suit a student notebook."""

    wall_time: float = 60.0  # s for the whole run, enforced from outside
    cell_timeout: int = 30  # s per notebook cell (the cell is interrupted, later cells run)
    cpu_time: int = 60  # s of CPU per process (RLIMIT_CPU)
    memory: int = 2 << 30  # bytes of address space per process (RLIMIT_AS)
    processes: int = 64  # processes + threads of the sandbox uid (RLIMIT_NPROC)
    open_files: int = 256  # per process (RLIMIT_NOFILE)
    file_size: int = 16 << 20  # bytes, largest file written (RLIMIT_FSIZE)
    disk: int = 64 << 20  # bytes, size of each tmpfs: the home folder and /tmp
    output: int = 4 << 20  # bytes on stdout before the run is killed (notebooks: half of it)
    allow_weak_isolation: bool = False  # admin setting: run without bubblewrap if absent


@dataclass(frozen=True)
class SandboxStatus:
    """Whether the strong mechanism (bubblewrap) works on this machine, and why not."""

    strong: bool
    detail: str


def python_roots() -> list[str]:
    """Folders the interpreter needs read-only: the venv and the base installation."""
    roots: list[str] = []
    for prefix in (sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))):
        path = os.path.realpath(prefix)
        if path.startswith("/usr/") or path == "/usr":
            continue
        if not any(path == r or path.startswith(r + "/") for r in roots):
            roots.append(path)
    return roots


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    return args


def bwrap_command(command: list[str], limits: SandboxLimits, uid: int,
                  files: dict[str, Path], nice: int = 0) -> list[str]:
    """The full argv: bwrap, the launcher (limits, uid drop), then ``command``."""
    args = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--hostname", "sandbox", "--cap-drop", "ALL",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
            "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_FOWNER"]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.disk), "--tmpfs", "/tmp",
             "--size", str(limits.disk), "--tmpfs", SANDBOX_WORK]
    args += _system_binds()
    for root in python_roots():
        args += _parents(root) + ["--ro-bind", root, root]
    for target, source in {f"{SANDBOX_OPT}/launcher.py": LAUNCHER, **files}.items():
        args += _parents(target) + ["--ro-bind", str(source), target]
    args += ["--chdir", SANDBOX_WORK, "--clearenv"]
    env = {**SANDBOX_ENV, "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin"}
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + [sys.executable, "-I", f"{SANDBOX_OPT}/launcher.py",
                   *launcher_options(limits, uid, nice), "--own", SANDBOX_WORK, "--own", "/tmp",
                   "--", *command]


def _parents(path: str) -> list[str]:
    """Create the missing parents of ``path`` as 0755: bwrap would make them 0700 (root's)."""
    args: list[str] = []
    for parent in reversed(Path(path).parents):
        if str(parent) != "/":
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def launcher_options(limits: SandboxLimits, uid: int, nice: int = 0) -> list[str]:
    return ["--uid", str(uid), "--gid", str(uid), "--cpu", str(limits.cpu_time),
            "--memory", str(limits.memory), "--nproc", str(limits.processes),
            "--nofile", str(limits.open_files), "--fsize", str(limits.file_size),
            "--nice", str(nice)]


@functools.lru_cache(maxsize=1)
def sandbox_status() -> SandboxStatus:
    """Run a trivial command under bubblewrap once; called at start-up and before each run."""
    if shutil.which("bwrap") is None:
        return SandboxStatus(False, "bubblewrap (bwrap) is not installed")
    if os.geteuid() != 0:
        return SandboxStatus(False, "the sandbox must be started by root (it drops to "
                                    "a per-run uid inside)")
    probe = "import os, socket; print(os.getuid(), len(socket.if_nameindex()))"
    with sandbox_uid() as uid:
        argv = bwrap_command([sys.executable, "-I", "-c", probe], SandboxLimits(), uid, {})
        try:
            done = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return SandboxStatus(False, f"bubblewrap failed to start: {exc}")
    words = done.stdout.decode(errors="replace").split()
    if done.returncode != 0 or words != [str(uid), "1"]:
        tail = done.stderr.decode(errors="replace").strip()[-300:]
        return SandboxStatus(False, f"bubblewrap probe failed (exit {done.returncode}): {tail}")
    return SandboxStatus(True, "bubblewrap: pid, network, ipc, uts and mount namespaces; "
                               "a per-run unprivileged uid; rlimits")


def require_isolation(limits: SandboxLimits) -> str:
    """Name the mechanism to use, or refuse untrusted code when only weak isolation exists."""
    status = sandbox_status()
    if status.strong:
        return "bubblewrap"
    if limits.allow_weak_isolation:
        return "weak"
    raise SandboxError(f"refusing to run untrusted code: {status.detail}. An administrator "
                       "may explicitly allow weaker isolation (no namespaces, rlimits only).")


def start_sandboxed(command: list[str], limits: SandboxLimits,
                    files: dict[str, Path] | None = None, nice: int = 0) -> SandboxProcess:
    """Start ``command`` (argv, paths as seen inside) in a fresh sandbox; it runs until
    ``finish`` gives it stdin and waits. ``files`` maps read-only paths inside the sandbox
    to host files; ``nice`` lowers its CPU priority until ``SandboxProcess.prioritise``."""
    isolation = require_isolation(limits)
    files = dict(files or {})
    with contextlib.ExitStack() as setup:  # released here only if setting up fails
        uid = setup.enter_context(sandbox_uid())
        if isolation == "bubblewrap":
            argv, cwd, env = bwrap_command(command, limits, uid, files, nice), None, None
        else:
            argv, cwd, env = _weak_command(command, limits, uid, files, nice)
            setup.callback(shutil.rmtree, cwd, ignore_errors=True)
            setup.callback(_kill_uid, uid)
        cleanup = setup.pop_all()
    return SandboxProcess(argv, limits.output, isolation, cleanup, uid, cwd, env)


def run_sandboxed(command: list[str], limits: SandboxLimits, stdin: bytes = b"",
                  files: dict[str, Path] | None = None,
                  on_line: Callable[[bytes], None] | None = None) -> SandboxResult:
    """Run ``command`` in a fresh sandbox and wait for it; ``on_line`` is called with each
    stdout line (bytes) as it arrives, for live progress."""
    process = start_sandboxed(command, limits, files)
    return process.finish(stdin, limits.wall_time, on_line)


def reachable_by_others(path: str) -> bool:
    """Whether an unprivileged uid can reach and run ``path`` (every folder o+x)."""
    real = Path(os.path.realpath(path))
    folders_ok = all(os.stat(p).st_mode & 0o001 for p in real.parents)
    return folders_ok and bool(os.stat(real).st_mode & 0o001)


def _weak_command(command, limits, uid, files, nice=0):
    """Without bubblewrap: a private folder, a clean environment, rlimits and a uid only."""
    import tempfile

    if not reachable_by_others(sys.executable):
        raise SandboxError(f"weak isolation: the interpreter {sys.executable} is not "
                           "accessible to unprivileged users, so student code cannot run "
                           "under a separate uid; install bubblewrap")

    work = tempfile.mkdtemp(prefix="elearn-weak-")
    opt = os.path.join(work, "opt")
    os.mkdir(opt)
    mapping = {f"{SANDBOX_OPT}/launcher.py": LAUNCHER, **files}
    for target, source in mapping.items():
        shutil.copy(source, os.path.join(opt, os.path.basename(target)))
    command = [c.replace(SANDBOX_OPT, opt) for c in command]
    env = {**SANDBOX_ENV, "HOME": work, "TMPDIR": work, "PATH": "/usr/bin:/bin",
           "MPLCONFIGDIR": f"{work}/.mpl", "IPYTHONDIR": f"{work}/.ipython",
           "JUPYTER_RUNTIME_DIR": f"{work}/.jupyter"}
    argv = [sys.executable, "-I", os.path.join(opt, "launcher.py"),
            *launcher_options(limits, uid, nice), "--own", work, "--", *command]
    return argv, work, env


def _kill_uid(uid: int) -> None:
    """Weak mode only: kill every process left running as the run's uid."""
    subprocess.run([sys.executable, "-I", "-c", "import os, signal\n"
                    "try: os.kill(-1, signal.SIGKILL)\nexcept ProcessLookupError: pass"],
                   user=uid, group=uid, extra_groups=[], check=False, timeout=10)
