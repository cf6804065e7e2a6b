"""Safe evaluation of the C expressions found in McStas instrument files.

Tokenised and parsed here (precedence climbing); nothing is handed to Python's eval.
C semantics where they change numbers: integer literals are ints and int/int truncates
toward zero, comparisons and logic give 0/1. Constants carry McStas's values (mccode-r.h,
mcstas-r.h) in McStas units (m, s, AA, meV).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

PI = math.pi

CONSTANTS: dict[str, float | int] = {
    "PI": PI,
    "M_PI": PI,
    "M_PI_2": PI / 2,
    "M_PI_4": PI / 4,
    "M_2_PI": 2 / PI,
    "M_E": math.e,
    "M_SQRT2": math.sqrt(2),
    "M_LN2": math.log(2),
    "M_LN10": math.log(10),
    "DEG2RAD": PI / 180,
    "RAD2DEG": 180 / PI,
    "MIN2RAD": PI / (180 * 60),
    "RAD2MIN": (180 * 60) / PI,
    "V2K": 1.58825361e-3,
    "K2V": 629.622368,
    "VS2E": 5.22703725e-6,
    "SE2V": 437.393377,
    "V2Q": 1.58825361e-3,
    "Q2V": 629.622368,
    "HBAR": 1.05457168e-34,
    "MNEUTRON": 1.674927351e-27,
    "GRAVITY": 9.81,
    "FWHM2RMS": 0.424660900144,
    "RMS2FWHM": 2.35482004503,
    "CELSIUS_IN_KELVIN": 273.15,
    "FLT_MAX": 3.40282347e38,
    "DBL_MAX": 1.7976931348623157e308,
    "INT_MAX": 2147483647,
    "NULL": 0,
    "UNSET": float("nan"),
}


def _c_fmod(a: float, b: float) -> float:
    return math.fmod(a, b)


FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "exp": math.exp,
    "log": math.log,
    "log10": math.log10,
    "pow": math.pow,
    "fabs": math.fabs,
    "abs": abs,
    "floor": math.floor,
    "ceil": math.ceil,
    "fmin": min,
    "fmax": max,
    "fmod": _c_fmod,
    "round": round,
}


class ExpressionError(ValueError):
    """An expression or statement the safe evaluator cannot read; message says why.

    pos is the character offset in the source text when known.
    """

    def __init__(self, message: str, pos: int | None = None):
        super().__init__(message)
        self.pos = pos


TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[fFlLuU]*)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\+=|-=|\*=|/=|==|!=|<=|>=|&&|\|\||[-+*/%()?:,<>!=;{}])
""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split C source text into tokens; refuse anything outside the supported subset."""
    tokens, pos = [], 0
    while pos < len(text):
        match = TOKEN_RE.match(text, pos)
        if not match:
            raise ExpressionError(f"unsupported character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def _number(text: str) -> float | int:
    core = text.rstrip("fFlLuU")
    if re.fullmatch(r"\d+", core):
        return int(core)
    return float(core)


BINARY_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}


class Parser:
    """Recursive-descent parser building nested tuples: ('num', v), ('var', n), ..."""

    def __init__(self, tokens: list[Token], source: str = ""):
        self.tokens = tokens
        self.i = 0
        self.source = source

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self, text: str | None = None) -> Token:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(f"unexpected end of {self.source.strip()!r}")
        if text is not None and tok.text != text:
            raise ExpressionError(f"expected {text!r} but found {tok.text!r}")
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text == text

    def expression(self) -> tuple:
        cond = self.binary(1)
        if self.at("?"):
            self.take("?")
            yes = self.expression()
            self.take(":")
            no = self.expression()
            return ("?", cond, yes, no)
        return cond

    def binary(self, min_prec: int) -> tuple:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "op" or tok.text not in BINARY_PRECEDENCE:
                return left
            prec = BINARY_PRECEDENCE[tok.text]
            if prec < min_prec:
                return left
            self.take()
            right = self.binary(prec + 1)
            left = ("bin", tok.text, left, right)

    def unary(self) -> tuple:
        if self.at("-") or self.at("+") or self.at("!"):
            op = self.take().text
            return ("unary", op, self.unary())
        if self.at("(") and self._is_cast():
            self.take("(")
            kind = self.take().text
            self.take(")")
            return ("cast", kind, self.unary())
        return self.primary()

    def _is_cast(self) -> bool:
        nxt, close = self.peek(1), self.peek(2)
        return (
            nxt is not None
            and nxt.text in ("double", "int", "float", "long")
            and close is not None
            and close.text == ")"
        )

    def primary(self) -> tuple:
        tok = self.take()
        if tok.kind == "num":
            return ("num", _number(tok.text))
        if tok.kind == "str":
            return ("str", bytes(tok.text[1:-1], "utf-8").decode("unicode_escape"))
        if tok.text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if tok.kind == "id":
            if self.at("("):
                if tok.text not in FUNCTIONS:
                    raise ExpressionError(f"unsupported function {tok.text}()")
                self.take("(")
                args = []
                if not self.at(")"):
                    args.append(self.expression())
                    while self.at(","):
                        self.take(",")
                        args.append(self.expression())
                self.take(")")
                return ("call", tok.text, args)
            return ("var", tok.text)
        raise ExpressionError(f"unexpected {tok.text!r} in {self.source.strip()!r}")


def parse_expression(text: str) -> tuple:
    """Parse one C expression into a tree; ExpressionError if it is not one."""
    parser = Parser(tokenize(text), text)
    tree = parser.expression()
    extra = parser.peek()
    if extra is not None:
        raise ExpressionError(f"unexpected {extra.text!r} in {text.strip()!r}")
    return tree


def _truthy(value) -> bool:
    return bool(value)


def _c_div(a, b):
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise ExpressionError("integer division by zero")
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b >= 0) else -q
    if b == 0:
        return math.copysign(math.inf, a) if a else math.nan
    return a / b


def evaluate(tree: tuple, env: dict):
    """Evaluate a parsed tree with names looked up in env, then in McStas constants."""
    kind = tree[0]
    if kind in ("num", "str"):
        return tree[1]
    if kind == "var":
        name = tree[1]
        if name in env:
            return env[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        raise ExpressionError(f"unknown name {name!r}")
    if kind == "unary":
        value = evaluate(tree[2], env)
        if tree[1] == "-":
            return -value
        if tree[1] == "!":
            return int(not _truthy(value))
        return value
    if kind == "cast":
        value = evaluate(tree[2], env)
        return int(value) if tree[1] in ("int", "long") else float(value)
    if kind == "?":
        return evaluate(tree[2] if _truthy(evaluate(tree[1], env)) else tree[3], env)
    if kind == "call":
        args = [evaluate(a, env) for a in tree[2]]
        try:
            result = FUNCTIONS[tree[1]](*args)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ExpressionError(f"{tree[1]}() failed: {exc}") from exc
        return float(result) if tree[1] not in ("abs",) else result
    op, left = tree[1], evaluate(tree[2], env)
    if op == "&&":
        return int(_truthy(left) and _truthy(evaluate(tree[3], env)))
    if op == "||":
        return int(_truthy(left) or _truthy(evaluate(tree[3], env)))
    right = evaluate(tree[3], env)
    return _binary(op, left, right)


def _binary(op: str, a, b):
    if isinstance(a, str) or isinstance(b, str):
        if op in ("==", "!="):
            return int((a == b) == (op == "=="))
        raise ExpressionError(f"operator {op!r} on a string")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return _c_div(a, b)
    if op == "%":
        if isinstance(a, int) and isinstance(b, int) and b:
            return int(math.fmod(a, b))
        raise ExpressionError("% needs two non-zero integers")
    return int({"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def evaluate_text(text: str, env: dict):
    """Parse and evaluate one expression string."""
    return evaluate(parse_expression(text), env)
