"""Run the simple C of DECLARE and INITIALIZE blocks: declarations, assignments, if/else.

Anything else (loops, function calls as statements, pointers, arrays, printf) is refused
with the line it is on, so the embedded engine never guesses what C code meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from .expressions import ExpressionError, Parser, Token, evaluate, tokenize

TYPES = {"double": float, "float": float, "int": int, "long": int, "char": str}


@dataclass
class StatementError(ValueError):
    """A statement the evaluator refuses; line is 1-based in the instrument file."""

    message: str
    line: int

    def __str__(self) -> str:
        return self.message


def _line_of(text: str, pos: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, pos)


class BlockRunner:
    """Execute a C block against env (a dict of names to values), in place."""

    def __init__(self, text: str, first_line: int, env: dict, declare: bool):
        self.text = text
        self.first_line = first_line
        self.env = env
        self.declare = declare
        self.parser = Parser(tokenize(text), text)

    def line(self, tok: Token | None) -> int:
        pos = tok.pos if tok is not None else len(self.text)
        return _line_of(self.text, pos, self.first_line)

    def run(self) -> None:
        while self.parser.peek() is not None:
            self.statement(execute=True)

    def statement(self, execute: bool) -> None:
        p = self.parser
        tok = p.peek()
        if tok is None:
            raise StatementError("unexpected end of block", self.line(None))
        try:
            if tok.text == ";":
                p.take()
            elif tok.text == "{":
                p.take()
                while not p.at("}"):
                    if p.peek() is None:
                        raise ExpressionError("missing '}'")
                    self.statement(execute)
                p.take("}")
            elif tok.kind == "id" and tok.text in TYPES:
                self.declaration(execute)
            elif tok.kind == "id" and tok.text == "if" and not self.declare:
                self.if_statement(execute)
            elif tok.kind == "id" and self._next_is_assignment():
                self.assignment(execute)
            else:
                raise ExpressionError(f"unsupported C statement starting with {tok.text!r}")
        except ExpressionError as exc:
            raise StatementError(str(exc), self.line(p.peek() or tok)) from exc

    def _next_is_assignment(self) -> bool:
        nxt = self.parser.peek(1)
        return nxt is not None and nxt.text in ("=", "+=", "-=", "*=", "/=")

    def declaration(self, execute: bool) -> None:
        p = self.parser
        ctype = TYPES[p.take().text]
        if ctype is str:
            raise ExpressionError("char variables are not supported")
        while True:
            name = p.take()
            if name.kind != "id":
                raise ExpressionError(f"expected a variable name, found {name.text!r}")
            value = ctype(0)
            if p.at("="):
                p.take("=")
                tree = p.expression()
                value = evaluate(tree, self.env) if execute else value
            if execute:
                self.env[name.text] = ctype(value)
            if p.at(","):
                p.take(",")
                continue
            p.take(";")
            return

    def assignment(self, execute: bool) -> None:
        p = self.parser
        name = p.take().text
        op = p.take().text
        tree = p.expression()
        p.take(";")
        if not execute:
            return
        value = evaluate(tree, self.env)
        if name not in self.env:
            raise ExpressionError(f"assignment to undeclared variable {name!r}")
        old = self.env[name]
        if op != "=":
            value = {
                "+=": lambda: old + value,
                "-=": lambda: old - value,
                "*=": lambda: old * value,
                "/=": lambda: old / value,
            }[op]()
        self.env[name] = int(value) if isinstance(old, int) else float(value)

    def if_statement(self, execute: bool) -> None:
        p = self.parser
        p.take("if")
        p.take("(")
        cond = p.expression()
        p.take(")")
        truth = bool(evaluate(cond, self.env)) if execute else False
        self.statement(execute and truth)
        if p.at("else"):
            p.take("else")
            self.statement(execute and not truth)


def run_block(text: str, first_line: int, env: dict, declare: bool) -> None:
    """Execute a DECLARE (declare=True) or INITIALIZE block, updating env."""
    try:
        runner = BlockRunner(text, first_line, env, declare)
    except ExpressionError as exc:
        line = _line_of(text, exc.pos, first_line) if exc.pos is not None else first_line
        raise StatementError(str(exc), line) from exc
    runner.run()
