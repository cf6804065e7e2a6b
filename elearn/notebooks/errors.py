"""The notebook area's exceptions: authored content errors and sandbox failures."""

from __future__ import annotations


class NotebookError(Exception):
    """An exercise or submission notebook that cannot be used, naming file and cell.

    ``cell`` is the 0-based index of the cell in the notebook, ``grade_id`` its nbgrader id.
    """

    def __init__(self, message: str, path: str | None = None, cell: int | None = None,
                 grade_id: str | None = None) -> None:
        self.message = message
        self.path = path
        self.cell = cell
        self.grade_id = grade_id
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path or "<notebook>"]
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.grade_id:
            where.append(f"grade_id {self.grade_id!r}")
        return f"{', '.join(where)}: {self.message}"


class SandboxError(Exception):
    """Untrusted code could not be run safely (no sandbox, sandbox failed to start)."""
