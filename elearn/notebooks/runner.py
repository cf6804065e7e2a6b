"""Executes one notebook inside the sandbox and streams per-cell results as JSON lines.

This file runs alone inside bubblewrap (it is bound in as a single file), so it imports only
the standard library and nbclient/nbformat. It runs in the sandbox's private namespaces as
the unprivileged uid the launcher dropped to, with its resource limits; the kernel is its
child, inside the same sandbox.

Protocol: ``{"event": "ready"}`` on stdout once the kernel is up, then it reads the notebook
(nbformat 4 JSON) on stdin; then on stdout one JSON object per line:
``{"event": "start", "index": i}`` before a code cell runs, ``{"event": "cell", "index": i,
"cell": {...}, "status": "ok"|"error", "limit": null|"output"|"timeout"}`` after it,
``{"event": "dead", "index": i, "signal": n|null}`` when the kernel died, and
``{"event": "end"}`` when the whole notebook ran. The kernel never inherits that stdout.
"""

import argparse
import asyncio
import json
import os
import sys

WARM_UP = "import numpy, matplotlib.pyplot"  # modules most exercises use; silent, no history


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell-timeout", type=int, required=True)
    parser.add_argument("--output-limit", type=int, required=True)
    parser.add_argument("--warm", action="store_true",
                        help="start the kernel and import WARM_UP before reading stdin")
    return parser.parse_args(argv)


def open_result_stream():
    """Keep stdout for results only; children (the kernel) write to stderr instead."""
    result_fd = os.dup(1)
    os.set_inheritable(result_fd, False)
    os.dup2(2, 1)
    return os.fdopen(result_fd, "w", encoding="utf-8", buffering=1)


def emit(stream, **event):
    stream.write(json.dumps(event) + "\n")
    stream.flush()


async def start_kernel(km, warm):
    """Start and connect to the kernel before the notebook arrives; with ``warm``, also
    preload WARM_UP. Returns the connected kernel client."""
    await km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"], cwd=os.getcwd())
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    if warm:
        msg_id = kc.execute(f"try:\n    {WARM_UP}\nexcept ImportError:\n    pass",
                            silent=True, store_history=False)
        while (await kc.get_shell_msg(timeout=60))["parent_header"].get("msg_id") != msg_id:
            pass
    return kc


async def run(args, stream):
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    class LimitedClient(NotebookClient):
        """nbclient with a total output budget (bytes) that interrupts the cell crossing it."""

        output_used = 0
        cell_limit = None

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {})))
            if self.output_used + size > args.output_limit:
                if self.cell_limit is None:
                    self.cell_limit = "output"
                    outs.append(nbformat.v4.new_output(
                        "stream", name="stderr",
                        text=f"\n[output limit of {args.output_limit} bytes reached: "
                             "the cell was interrupted]\n"))
                    asyncio.ensure_future(self._interrupt())
                return None
            self.output_used += size
            return super().output(outs, msg, display_id, cell_index)

        async def _interrupt(self):
            await self.km.interrupt_kernel()

        async def _async_handle_timeout(self, timeout, cell=None):
            self.cell_limit = self.cell_limit or "timeout"
            return await super()._async_handle_timeout(timeout, cell)

    km = AsyncKernelManager(kernel_name="python3")
    kc = await start_kernel(km, args.warm)
    emit(stream, event="ready")
    text = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    nb = nbformat.reads(text, as_version=4)
    current = {"index": None}

    def on_start(cell, cell_index):
        if cell.cell_type == "code" and cell.source.strip():
            current["index"] = cell_index
            client.cell_limit = None
            emit(stream, event="start", index=cell_index)

    def on_executed(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {})
        status = content.get("status", "error")
        if status == "error" and not any(o.output_type == "error" for o in cell.outputs):
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=content.get("ename", "Error"),
                evalue=content.get("evalue", ""), traceback=content.get("traceback", [])))
        emit(stream, event="cell", index=cell_index, cell=cell, status=status,
             limit=client.cell_limit)
        current["index"] = None

    client = LimitedClient(
        nb, km=km, timeout=args.cell_timeout, allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError",
                          "evalue": f"the cell ran longer than {args.cell_timeout} s",
                          "traceback": []},
        kernel_name="python3", startup_timeout=60, record_timing=False, iopub_timeout=2,
        on_cell_start=on_start, on_cell_executed=on_executed,
        resources={"metadata": {"path": os.getcwd()}})
    client.kc = kc
    try:
        await client.async_execute()
    except DeadKernelError as exc:
        process = getattr(km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        emit(stream, event="dead", index=current["index"], message=str(exc),
             signal=-code if code and code < 0 else None)
        return 0
    emit(stream, event="end")
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stream = open_result_stream()
    return asyncio.run(run(args, stream))


if __name__ == "__main__":
    sys.exit(main())
