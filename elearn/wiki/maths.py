"""LaTeX maths to MathML on the server, so pages render offline with no script and no CDN.

latex2mathml is lenient (it renders ``\\frac{a`` or ``\\foo`` without complaint), so the
source is checked first and an author gets an error for what a reader would see broken.
"""

from __future__ import annotations

import re
from functools import lru_cache

from latex2mathml.converter import convert

_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([^}]*)\}")
_UNKNOWN_COMMAND = re.compile(r"<mi>\\([A-Za-z]+)</mi>")
_FORBIDDEN = ("\\label", "\\ref", "\\eqref", "\\def", "\\newcommand", "\\input", "\\include")


class LatexError(ValueError):
    """The LaTeX cannot be rendered faithfully; the message says why."""


def latex_to_mathml(tex: str, display: bool) -> str:
    """Return MathML for ``tex``; raise LatexError for unbalanced or unknown input."""
    return _convert(tex, display)


@lru_cache(maxsize=4096)
def _convert(tex: str, display: bool) -> str:
    check_latex(tex)
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many exception types
        name = type(error).__name__.removesuffix("Error")
        raise LatexError(f"cannot render LaTeX {tex.strip()!r}: {name or 'error'}") from error
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise LatexError(f"unknown LaTeX command \\{unknown.group(1)}")
    return mathml


def check_latex(tex: str) -> None:
    """Refuse unbalanced braces, unmatched environments and commands that need a document."""
    for command in _FORBIDDEN:
        if re.search(re.escape(command) + r"(?![A-Za-z])", tex):
            raise LatexError(f"{command} is not supported in page maths (use a labelled $$ block)")
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise LatexError("unbalanced braces: '}' without '{'")
    if depth:
        raise LatexError(f"unbalanced braces: {depth} '{{' not closed")
    stack: list[str] = []
    for match in _ENVIRONMENT.finditer(tex):
        kind, name = match.groups()
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise LatexError(f"\\end{{{name}}} does not match an open \\begin")
    if stack:
        raise LatexError(f"\\begin{{{stack[-1]}}} is not closed")
    lefts = len(re.findall(r"\\left(?![A-Za-z])", tex))
    rights = len(re.findall(r"\\right(?![A-Za-z])", tex))
    if lefts != rights:
        raise LatexError(f"{lefts} \\left but {rights} \\right")
