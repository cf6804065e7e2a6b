"""First process inside the sandbox: set resource limits, drop to an unprivileged uid, exec.

Bound alone into the sandbox and run with ``python -I``, so it imports only the standard
library. bubblewrap runs it as root inside fresh namespaces (needed to bind the interpreter
from paths only root can traverse); it gives the private folders to the sandbox uid, sets the
limits, becomes that uid (whose process count RLIMIT_NPROC really limits: the kernel exempts
uid 0 only) and execs the command. Usage:
``launcher.py --uid U --gid G --cpu S --memory B --nproc N --nofile N --fsize B
[--own DIR ...] [--nice N] -- COMMAND ARGS...``
"""

import argparse
import os
import resource
import sys

LIMITS = {
    "cpu": resource.RLIMIT_CPU,  # s of CPU per process
    "memory": resource.RLIMIT_AS,  # bytes of address space per process
    "nproc": resource.RLIMIT_NPROC,  # processes and threads of the uid
    "nofile": resource.RLIMIT_NOFILE,  # open file descriptors per process
    "fsize": resource.RLIMIT_FSIZE,  # bytes, largest file a process may write
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="launcher")
    parser.add_argument("--uid", type=int, required=True)
    parser.add_argument("--gid", type=int, required=True)
    for name in LIMITS:
        parser.add_argument(f"--{name}", type=int, required=True)
    parser.add_argument("--own", action="append", default=[])
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command or args.uid == 0 or args.gid == 0:
        parser.error("a command and a non-root uid/gid are required")
    return args


def drop_privileges(args):
    """Apply the limits and become uid/gid; exit rather than run anything as root."""
    for path in args.own:
        os.chown(path, args.uid, args.gid)
        os.chmod(path, 0o700)
    for name, which in LIMITS.items():
        value = getattr(args, name)
        # CPU: SIGXCPU at the soft limit, SIGKILL one second later.
        resource.setrlimit(which, (value, value + 1 if name == "cpu" else value))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.nice:
        os.nice(args.nice)  # a pre-started runner warms up without slowing running ones
    os.setgroups([])
    os.setgid(args.gid)
    os.setuid(args.uid)
    if 0 in os.getresuid() or 0 in os.getresgid():
        raise SystemExit("launcher: could not drop root privileges")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    drop_privileges(args)
    os.execv(args.command[0], args.command)


if __name__ == "__main__":
    main()
