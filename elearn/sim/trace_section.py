"""Parse the TRACE section of an instrument: COMPONENT instances and their modifiers."""

from __future__ import annotations

import re

from .instrument import ComponentInstance, Placement
from .source_text import Cursor

PREFIXES = ("REMOVABLE", "CPU", "SPLIT")
END_WORDS = ("SAVE", "FINALLY", "END", "MCDISPLAY")


def _placement(cur: Cursor, keyword: str) -> Placement:
    line = cur.line
    text, _ = cur.parens()
    parts = [p.strip() for p, _ in Cursor.split_top_level(text)]
    if len(parts) != 3 or not all(parts):
        raise cur.error(f"{keyword} needs three coordinates", line)
    word = cur.peek_word()
    if word == "ABSOLUTE":
        cur.word()
        ref = "ABSOLUTE"
    elif word == "RELATIVE":
        cur.word()
        ref = cur.word()
        if ref == "PREVIOUS" and cur.at_char("("):
            count, _ = cur.parens()
            ref = f"PREVIOUS({count.strip()})"
    else:
        raise cur.error(f"{keyword} needs ABSOLUTE or RELATIVE", line)
    return Placement((parts[0], parts[1], parts[2]), ref, line)


def _arguments(cur: Cursor, text: str, line: int) -> dict[str, str]:
    args: dict[str, str] = {}
    for piece, offset in Cursor.split_top_level(text):
        if not piece.strip():
            continue
        match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*", piece, re.DOTALL)
        if not match:
            raise cur.error(
                f"cannot read component argument {piece.strip()!r}", line + text.count("\n", 0, offset)
            )
        args[match.group(1)] = match.group(2)
    return args


def parse_component(cur: Cursor) -> ComponentInstance:
    removable, split = False, None
    while cur.peek_word() in PREFIXES:
        word = cur.word()
        if word == "REMOVABLE":
            removable = True
        elif word == "SPLIT":
            split = "1"
            if re.compile(r"\s*[\d(]").match(cur.text, cur.pos):
                cur.skip_ws()
                match = re.compile(r"\d+").match(cur.text, cur.pos)
                if match:
                    split = match.group()
                    cur.pos = match.end()
                else:
                    split, _ = cur.parens()
    line = cur.line
    cur.expect_word("COMPONENT")
    name = cur.word()
    cur.expect_char("=")
    ctype = cur.word()
    copy_of = None
    if ctype == "COPY":
        copy_text, _ = cur.parens()
        copy_of = copy_text.strip()
        ctype = copy_of
    args_text, args_line = cur.parens() if cur.at_char("(") else ("", line)
    args = _arguments(cur, args_text, args_line)
    when = None
    if cur.peek_word() == "WHEN":
        cur.word()
        when, _ = cur.parens()
    cur.expect_word("AT")
    at = _placement(cur, "AT")
    rotated = None
    extend = group = None
    jumps: list[str] = []
    while True:
        word = cur.peek_word()
        if word == "ROTATED":
            cur.word()
            rotated = _placement(cur, "ROTATED")
        elif word == "GROUP":
            cur.word()
            group = cur.word()
        elif word == "EXTEND":
            cur.word()
            extend, _ = cur.c_block()
        elif word == "JUMP":
            jump_line = cur.line
            cur.word()
            target = cur.word()
            kind = cur.word()
            if cur.at_char("("):
                cond, _ = cur.parens()
            else:
                match = re.compile(r"\s*([\w.]+)").match(cur.text, cur.pos)
                if not match:
                    raise cur.error("cannot read JUMP condition", jump_line)
                cond, cur.pos = match.group(1), match.end()
            jumps.append(f"JUMP {target} {kind} {cond.strip()} at line {jump_line}")
        else:
            break
    return ComponentInstance(
        name=name,
        type=ctype,
        args=args,
        at=at,
        rotated=rotated,
        line=line,
        when=when,
        extend=extend,
        group=group,
        jumps=jumps,
        split=split,
        copy_of=copy_of,
        removable=removable,
    )


def parse_trace(cur: Cursor) -> tuple[list[ComponentInstance], list[int]]:
    """Read components until SAVE/FINALLY/END; return them and the lines of %include."""
    components: list[ComponentInstance] = []
    includes: list[int] = []
    names: set[str] = set()
    while True:
        word = cur.peek_word()
        if word in END_WORDS:
            return components, includes
        if word == "%include":
            includes.append(cur.line)
            cur.pos += len("%include")
            cur.string_literal()
            continue
        if word not in PREFIXES and word != "COMPONENT":
            raise cur.error(f"expected COMPONENT, found {word!r}")
        comp = parse_component(cur)
        if comp.name in names:
            raise cur.error(f"component name {comp.name!r} used twice", comp.line)
        names.add(comp.name)
        components.append(comp)
