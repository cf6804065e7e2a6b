"""Question text with the student's drawn values put in, rendered like theory pages.

Placeholders are ``{{ name }}`` or ``{{ name:.3g }}`` (a Python format spec); double braces so
they never clash with LaTeX's. Rendering goes through the wiki's Markdown + maths renderer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from elearn.wiki.markup import Links, render

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?::\s*([^}]*?))?\s*\}\}")
FORMAT_SPEC = re.compile(r"^[<>^=]?[+\- ]?#?0?\d*[,_]?(\.\d+)?[eEfFgG%]?$")


def placeholder_problems(text: str, names: set[str]) -> list[str]:
    """Messages for placeholders naming unknown parameters or with an invalid format."""
    problems = []
    for match in PLACEHOLDER.finditer(text):
        name, spec = match.group(1), match.group(2) or ""
        if name not in names:
            problems.append(f"{{{{ {name} }}}}: no parameter {name!r}")
        elif not FORMAT_SPEC.match(spec):
            problems.append(f"{{{{ {name}:{spec} }}}}: invalid number format")
    return problems


def substitute(text: str, values: dict[str, float]) -> str:
    """Put drawn values into the text (4 significant digits unless a format is given)."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        return format(value, match.group(2) or ".4g")

    return PLACEHOLDER.sub(replace, text)


class TextRenderer:
    """Renders a course's quiz texts, memoised per text and values (Markdown and maths cost
    milliseconds; a page shows many, and with a variant pool a class shares a few value sets).
    Least recently used entries go first, so an exam's texts stay while it runs."""

    def __init__(self, links: Links, capacity: int = 16384) -> None:
        self.links = links
        self.capacity = capacity
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str, values: dict[str, float] | None = None) -> str:
        """HTML of a question's text, option or feedback for one student's values."""
        source = substitute(text, values or {})
        html = self._cache.get(source)
        if html is None:
            html = render(source, title="", slug="", links=self.links).html
        with self._lock:  # waitress serves pages from several threads
            self._cache[source] = html
            self._cache.move_to_end(source)
            if len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return html

    def problems(self, text: str, values: dict[str, float]) -> list[tuple[int, str]]:
        """(lines after the text's first, message) for bad Markdown, maths or links."""
        rendered = render(
            substitute(text, values), title="", slug="", links=self.links, first_line=0
        )
        return [(p.line, p.message) for p in rendered.problems]
