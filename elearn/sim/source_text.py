"""Low-level reading of McStas source text: comment stripping and a position-aware cursor."""

from __future__ import annotations

import re
from pathlib import Path


def strip_comments(text: str) -> str:
    """Replace /* */ and // comments by spaces, keeping newlines and string literals intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class Cursor:
    """Walks comment-free instrument text, tracking the line for error messages."""

    def __init__(self, text: str, path: Path | str | None):
        self.text = text
        self.pos = 0
        self.path = path

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def error(self, message: str, line: int | None = None):
        from .instrument import InstrumentError

        return InstrumentError(message, self.path, line or self.line)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def find_keyword(self, word: str) -> bool:
        match = re.compile(rf"\b{word}\b").search(self.text, self.pos)
        if not match:
            return False
        self.pos = match.start()
        return True

    def peek_word(self) -> str:
        self.skip_ws()
        if self.text.startswith("%include", self.pos):
            return "%include"
        match = re.compile(r"[A-Za-z_]\w*").match(self.text, self.pos)
        if not match:
            return self.text[self.pos : self.pos + 10] or "<end of file>"
        return match.group()

    def word(self) -> str:
        self.skip_ws()
        match = re.compile(r"[A-Za-z_]\w*").match(self.text, self.pos)
        if not match:
            raise self.error(f"expected a name, found {self.text[self.pos : self.pos + 20]!r}")
        self.pos = match.end()
        return match.group()

    def expect_word(self, word: str) -> None:
        found = self.word()
        if found != word:
            raise self.error(f"expected {word}, found {found}")

    def at_char(self, ch: str) -> bool:
        self.skip_ws()
        return self.text.startswith(ch, self.pos)

    def expect_char(self, ch: str) -> None:
        if not self.at_char(ch):
            raise self.error(f"expected {ch!r}, found {self.text[self.pos : self.pos + 20]!r}")
        self.pos += len(ch)

    def string_literal(self) -> str:
        self.skip_ws()
        match = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(self.text, self.pos)
        if not match:
            raise self.error("expected a string literal")
        self.pos = match.end()
        return match.group()[1:-1]

    def parens(self) -> tuple[str, int]:
        """Read a balanced ( ... ); return the inner text and the line it starts on."""
        self.expect_char("(")
        start, depth, i = self.pos, 1, self.pos
        line = self.line
        while i < len(self.text):
            ch = self.text[i]
            if ch == '"':
                i = self._skip_string(i)
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return self.text[start:i], line
            i += 1
        raise self.error("unbalanced parentheses", line)

    def _skip_string(self, i: int) -> int:
        j = i + 1
        while j < len(self.text) and self.text[j] != '"':
            j += 2 if self.text[j] == "\\" else 1
        return j + 1

    def c_block(self) -> tuple[str, int]:
        """Read %{ ... %}; return the inner text and the line the text starts on."""
        self.expect_char("%{")
        line = self.line
        end = self.text.find("%}", self.pos)
        if end < 0:
            raise self.error("%{ block without closing %}", line)
        text = self.text[self.pos : end]
        self.pos = end + 2
        return text, line

    @staticmethod
    def split_top_level(text: str, sep: str = ",") -> list[tuple[str, int]]:
        """Split on sep outside parentheses and strings; returns (piece, offset) pairs."""
        pieces, depth, start, i = [], 0, 0, 0
        while i < len(text):
            ch = text[i]
            if ch == '"':
                j = i + 1
                while j < len(text) and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == sep and depth == 0:
                pieces.append((text[start:i], start))
                start = i + 1
            i += 1
        pieces.append((text[start:], start))
        return pieces
