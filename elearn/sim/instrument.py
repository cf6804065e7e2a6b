"""Read a McStas instrument file (.instr) into plain dataclasses.

Parses the header (DEFINE INSTRUMENT parameters, the %Parameters doc block for units and
descriptions), DECLARE/INITIALIZE/SAVE/FINALLY blocks, and the TRACE section with each
COMPONENT's arguments (kept as expression text), AT/ROTATED placement and the constructs
the embedded engine cannot run (WHEN, EXTEND, GROUP, JUMP, SPLIT, COPY, %include), each
recorded with its line so a refusal can name it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .source_text import Cursor, strip_comments


class InstrumentError(Exception):
    """Authored-content error in an instrument file: str() is 'file:line: message'."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<instrument>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class InstrumentParameter:
    """One DEFINE INSTRUMENT parameter; default is the typed value or None if required."""

    name: str
    type: str  # 'double' | 'int' | 'string'
    default: float | int | str | None
    unit: str = ""
    description: str = ""


@dataclass
class Placement:
    """AT or ROTATED: three expression texts and the reference ('ABSOLUTE', 'PREVIOUS', name)."""

    exprs: tuple[str, str, str]
    relative_to: str
    line: int


@dataclass
class ComponentInstance:
    """One COMPONENT line of the TRACE section, arguments kept as expression text."""

    name: str
    type: str
    args: dict[str, str]
    at: Placement
    rotated: Placement | None
    line: int
    when: str | None = None
    extend: str | None = None
    group: str | None = None
    jumps: list[str] = field(default_factory=list)
    split: str | None = None
    copy_of: str | None = None
    removable: bool = False


@dataclass
class Block:
    """A %{ ... %} C block and the line where its text starts."""

    text: str
    line: int

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass
class Instrument:
    """A parsed instrument file; source_hash is the SHA-256 of the file bytes."""

    name: str
    path: str
    source_hash: str
    parameters: list[InstrumentParameter]
    declare: Block | None
    initialize: Block | None
    components: list[ComponentInstance]
    save: Block | None = None
    finally_: Block | None = None
    other_blocks: dict[str, Block] = field(default_factory=dict)
    includes: list[int] = field(default_factory=list)

    def parameter(self, name: str) -> InstrumentParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def component_index(self, name: str) -> int:
        return next(i for i, c in enumerate(self.components) if c.name == name)


DOC_LINE = re.compile(r"^\s*\*?\s*([A-Za-z_]\w*)\s*:\s*(.*)$")
UNIT_FIRST = re.compile(r"^[\[(]([^\])]*)[\])]\s*(.*)$")
UNIT_LAST = re.compile(r"^(.*?)\s*[\[(]([^\])]*)[\])]\s*$")


def parse_doc_parameters(raw: str) -> dict[str, tuple[str, str]]:
    """Units and descriptions from the header's %Parameters (or %P) block: name -> (unit, text)."""
    docs: dict[str, tuple[str, str]] = {}
    header = raw.split("DEFINE", 1)[0]
    inside = False
    for line in header.splitlines():
        body = line.strip().lstrip("*").strip()
        if re.match(r"^%(P|Par|Parameters)\b", body, re.IGNORECASE):
            inside = True
            continue
        if inside and re.match(r"^%(E|End|L|Link|D|I)\b", body, re.IGNORECASE):
            inside = False
            continue
        if not inside:
            continue
        match = DOC_LINE.match(body)
        if not match:
            continue
        name, rest = match.group(1), match.group(2).strip()
        unit_match = UNIT_FIRST.match(rest)
        if unit_match:
            docs[name] = (unit_match.group(1).strip(), unit_match.group(2).strip())
            continue
        unit_match = UNIT_LAST.match(rest)
        if unit_match:
            docs[name] = (unit_match.group(2).strip(), unit_match.group(1).strip())
        else:
            docs[name] = ("", rest)
    return docs


def _typed_default(ptype: str, text: str | None, path: Path, line: int):
    from .expressions import ExpressionError, evaluate_text

    if text is None:
        return None
    try:
        value = evaluate_text(text, {})
    except ExpressionError as exc:
        raise InstrumentError(f"cannot read default {text!r}: {exc}", path, line) from exc
    if ptype == "string":
        if value == 0:
            return ""
        if not isinstance(value, str):
            raise InstrumentError(f"string parameter default {text!r} is not a string", path, line)
        return value
    if isinstance(value, str):
        raise InstrumentError(f"numeric parameter default {text!r} is a string", path, line)
    return int(value) if ptype == "int" else float(value)


def _parse_parameters(text: str, line: int, path: Path, docs) -> list[InstrumentParameter]:
    params = []
    for piece, offset in Cursor.split_top_level(text):
        piece_line = line + text.count("\n", 0, offset)
        piece = re.sub(r"^char\s*\*\s*", "string ", piece.strip())
        if not piece:
            continue
        match = re.fullmatch(
            r"(?:(double|int|string|float|long)\s+)?([A-Za-z_]\w*)"
            r'(?:\s*/\s*"[^"]*")?\s*(?:=\s*(.+))?',
            piece,
            re.DOTALL,
        )
        if not match:
            raise InstrumentError(f"cannot read instrument parameter {piece!r}", path, piece_line)
        ctype = match.group(1) or "double"
        ptype = {"double": "double", "float": "double", "int": "int", "long": "int", "string": "string"}[
            ctype
        ]
        name = match.group(2)
        default = _typed_default(ptype, match.group(3), path, piece_line)
        unit, description = docs.get(name, ("", ""))
        params.append(InstrumentParameter(name, ptype, default, unit, description))
    return params


def parse_instrument(path: str | Path) -> Instrument:
    """Parse the instrument file at path; InstrumentError with file and line on bad syntax."""
    path = Path(path)
    raw_bytes = path.read_bytes()
    raw = raw_bytes.decode("utf-8", errors="replace")
    return parse_instrument_text(raw, path, hashlib.sha256(raw_bytes).hexdigest())


def parse_instrument_text(raw: str, path: Path, source_hash: str = "") -> Instrument:
    from .trace_section import parse_trace

    cur = Cursor(strip_comments(raw), path)
    docs = parse_doc_parameters(raw)
    if not cur.find_keyword("DEFINE"):
        raise InstrumentError("no DEFINE INSTRUMENT found", path, 1)
    cur.expect_word("DEFINE")
    cur.expect_word("INSTRUMENT")
    name = cur.word()
    params_text, params_line = cur.parens()
    parameters = _parse_parameters(params_text, params_line, path, docs)
    blocks: dict[str, Block] = {}
    while True:
        word = cur.peek_word()
        if word in ("DECLARE", "INITIALIZE", "SHARE", "USERVARS", "DEPENDENCY", "NOACC"):
            cur.word()
            if word == "DEPENDENCY":
                cur.string_literal()
                continue
            if word == "NOACC":
                continue
            text, line = cur.c_block()
            blocks[word] = Block(text, line)
        elif word == "TRACE":
            cur.word()
            break
        else:
            raise InstrumentError(f"expected DECLARE, INITIALIZE or TRACE, found {word!r}", path, cur.line)
    components, includes = parse_trace(cur)
    while True:
        word = cur.peek_word()
        if word in ("SAVE", "FINALLY", "MCDISPLAY"):
            cur.word()
            text, line = cur.c_block()
            blocks[word] = Block(text, line)
        elif word == "END":
            break
        else:
            raise InstrumentError(f"expected SAVE, FINALLY or END, found {word!r}", path, cur.line)
    other = {k: v for k, v in blocks.items() if k not in ("DECLARE", "INITIALIZE", "SAVE", "FINALLY")}
    return Instrument(
        name=name,
        path=str(path),
        source_hash=source_hash,
        parameters=parameters,
        declare=blocks.get("DECLARE"),
        initialize=blocks.get("INITIALIZE"),
        components=components,
        save=blocks.get("SAVE"),
        finally_=blocks.get("FINALLY"),
        other_blocks=other,
        includes=includes,
    )
