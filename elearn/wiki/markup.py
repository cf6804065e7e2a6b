"""Page source (Markdown + LaTeX) to safe HTML, with numbered equations, ``[[links]]`` and a TOC.

Rendering happens when a page is saved or imported, never when it is read; a page view
serves the stored HTML. Every problem is reported with its line so an author can fix it.

Syntax beyond CommonMark + tables:
- ``$x$`` inline and ``$$ ... $$`` display maths; ``$$ ... $$ (label)`` numbers the equation.
- ``[[Page title]]``, ``[[Page title#Section heading]]``, ``[[Page title|shown text]]``,
  ``[[eq:label]]`` (this page) and ``[[Page title#eq:label]]`` (another page's equation).
- An image alone in a paragraph, ``![Caption](figures/x.svg)``, becomes a figure.
- A fenced block whose info word another area registered (``register_fence``), e.g.
  ```` ```simulation ````, becomes that area's widget (see elearn/sim/widget.py).
"""

from __future__ import annotations

import html
import importlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from elearn.wiki.maths import LatexError, latex_to_mathml

MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mtable", "mtr", "mtd", "mstyle",
    "munder", "mover", "munderover", "menclose", "mpadded", "mphantom", "merror", "mfenced",
}  # fmt: skip
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "class", "title", "aria-label", "role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "math": {"xmlns", "display"},
    "mo": {"stretchy", "fence", "form", "separator", "lspace", "rspace", "largeop",
           "movablelimits", "symmetric", "minsize", "maxsize", "accent"},
    "mi": {"mathvariant"}, "mn": {"mathvariant"}, "mtext": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathsize"},
    "mtable": {"displaystyle", "rowspacing", "columnspacing", "columnalign", "rowlines",
               "columnlines", "frame"},
    "mtd": {"columnalign", "rowspan", "columnspan"},
    "mfrac": {"linethickness"}, "mspace": {"width", "height", "depth"},
    "mover": {"accent"}, "munder": {"accentunder"}, "munderover": {"accent", "accentunder"},
    "menclose": {"notation"}, "mpadded": {"width", "height", "depth", "lspace", "voffset"},
}  # fmt: skip
_STYLE_ALIGN = re.compile(r"^text-align:(left|right|center)$")


@dataclass
class Problem:
    """Something in a page's source that must be fixed; ``line`` is 1-based in the file."""

    line: int
    message: str


@dataclass
class Outline:
    """What other pages need to link into a page: its sections and equation numbers."""

    title: str
    slug: str
    sections: dict[str, str] = field(default_factory=dict)  # anchor -> heading text
    equations: dict[str, int] = field(default_factory=dict)  # label -> number

    def as_json(self) -> dict[str, object]:
        return {"sections": self.sections, "equations": self.equations}


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, object]]  # [{"level": 2, "anchor": "...", "text": "..."}]
    outline: Outline
    text: str  # plain text, for full-text search
    problems: list[Problem]


@dataclass
class Links:
    """How a page resolves links: the course's outlines by title, and URL builders."""

    outlines: dict[str, Outline]  # keyed by title.casefold()
    page_url: Callable[[str], str]  # slug -> URL
    asset_url: Callable[[str], str | None]  # figures/x.svg -> URL, or None if absent


@dataclass(frozen=True)
class Fence:
    """A fenced block handed to the area that owns its info word; ``line`` is its first content line."""

    source: str
    line: int
    course_url: str  # e.g. /courses/mini, for the widget's links


# info word -> renderer returning trusted HTML and (line, message) problems
FenceRenderer = Callable[[Fence], tuple[str, list[tuple[int, str]]]]
_fences: dict[str, FenceRenderer] = {}


def register_fence(info: str, renderer: FenceRenderer) -> None:
    _fences[info] = renderer


def _fence_renderers() -> dict[str, FenceRenderer]:
    """The registered fences, after importing the modules that register them (elearn/areas.py)."""
    importlib.import_module("elearn.areas")
    return _fences


def slugify(text: str) -> str:
    """A URL- and id-safe form of a heading or title."""
    slug = re.sub(r"[^\w\s-]", "", text.casefold()).strip()
    return re.sub(r"[\s_-]+", "-", slug) or "section"


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("[[", start):
        return False
    end = src.find("]]", start + 2)
    if end < 0 or "\n" in src[start:end]:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = src[start + 2 : end].strip()
    state.pos = end + 2
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    return md


PARSER = _parser()


def outline_of(body: str, title: str, slug: str) -> Outline:
    """Sections and equation labels of a page, read without rendering it."""
    outline = Outline(title=title, slug=slug)
    tokens = PARSER.parse(body)
    _assign_anchors(tokens, outline)
    return outline


def _assign_anchors(tokens: list[Token], outline: Outline) -> None:
    used: set[str] = set()
    number = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = tokens[index + 1].content
            anchor = base = slugify(text)
            suffix = 2
            while anchor in used:
                anchor, suffix = f"{base}-{suffix}", suffix + 1
            used.add(anchor)
            token.attrSet("id", anchor)
            token.meta["text"] = text
            outline.sections.setdefault(anchor, text)
        elif token.type == "math_block_label":
            number += 1
            outline.equations.setdefault(token.info, number)


def render(body: str, *, title: str, slug: str, links: Links, first_line: int = 1) -> Rendered:
    """Render a page body; ``first_line`` is the file line the body starts on (after front matter)."""
    tokens = PARSER.parse(body)
    outline = Outline(title=title, slug=slug)
    _assign_anchors(tokens, outline)
    state = _RenderState(links=links, outline=outline, offset=first_line, problems=[])
    toc: list[dict[str, object]] = []
    text_parts: list[str] = []
    for index, token in enumerate(tokens):
        line = first_line + token.map[0] if token.map else first_line
        if token.type == "heading_open":
            if token.tag == "h1":
                state.problems.append(Problem(line, "use ## for sections: # is the page title"))
            if token.tag in ("h2", "h3"):
                toc.append(
                    {"level": int(token.tag[1]), "anchor": token.attrGet("id"), "text": token.meta["text"]}
                )
        elif token.type == "math_block_label" and token.info in _seen_labels(tokens, index):
            state.problems.append(Problem(line, f"equation label ({token.info}) used twice"))
        elif token.type == "inline":
            _mark_figure(tokens, index)
            _number_children(token, line)
            text_parts.append(token.content)
        if token.type in ("math_block", "math_block_label"):
            token.meta["line"] = line
            text_parts.append(token.content)
    renderer_html = PARSER.renderer.render(tokens, PARSER.options, {"state": state})
    safe = sanitize(renderer_html)
    for slot, widget in state.widgets.items():  # trusted widget HTML goes in after sanitizing
        safe = safe.replace(slot, widget)
    return Rendered(
        html=safe,
        toc=toc,
        outline=outline,
        text=" ".join(text_parts),
        problems=state.problems,
    )


def _seen_labels(tokens: list[Token], index: int) -> set[str]:
    return {t.info for t in tokens[:index] if t.type == "math_block_label"}


def _number_children(token: Token, line: int) -> None:
    """Give each inline child the file line it stands on (softbreaks count lines)."""
    for child in token.children or []:
        child.meta["line"] = line
        if child.type in ("softbreak", "hardbreak"):
            line += 1


def _mark_figure(tokens: list[Token], index: int) -> None:
    children = tokens[index].children or []
    if len(children) == 1 and children[0].type == "image" and index > 0:
        opening, closing = tokens[index - 1], tokens[index + 1]
        if opening.type == "paragraph_open" and closing.type == "paragraph_close":
            opening.hidden = closing.hidden = True
            children[0].meta["figure"] = True


@dataclass
class _RenderState:
    links: Links
    outline: Outline
    offset: int
    problems: list[Problem]
    widgets: dict[str, str] = field(default_factory=dict)  # unguessable slot -> widget HTML

    def problem(self, token: Token, message: str) -> None:
        self.problems.append(Problem(token.meta.get("line", self.offset), message))


def _state(env: dict[str, object]) -> _RenderState:
    state = env["state"]
    assert isinstance(state, _RenderState)
    return state


def _math(state: _RenderState, token: Token, display: bool) -> str:
    try:
        return latex_to_mathml(token.content, display)
    except LatexError as error:
        state.problem(token, str(error))
        return f'<code class="math-error">{html.escape(token.content)}</code>'


def _render_math_inline(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return _math(_state(env), tokens[idx], display=False)


def _render_math_block(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return f'<div class="equation">{_math(_state(env), tokens[idx], display=True)}</div>\n'


def _render_math_block_label(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    state, token = _state(env), tokens[idx]
    number = state.outline.equations[token.info]
    anchor = html.escape(f"eq-{slugify(token.info)}")
    return (
        f'<div class="equation" id="{anchor}">{_math(state, token, display=True)}'
        f'<span class="equation-number">({number})</span></div>\n'
    )


def _render_image(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    state, token = _state(env), tokens[idx]
    source = token.attrGet("src") or ""
    alt = html.escape(self.renderInlineAsText(token.children or [], options, env))
    if re.match(r"^[a-z][a-z0-9+.-]*:", source, re.I):
        url: str | None = source
    else:
        url = state.links.asset_url(source)
        if url is None:
            state.problem(token, f"figure file {source!r} not found in the course folder")
            url = ""
    image = f'<img src="{html.escape(str(url))}" alt="{alt}" loading="lazy">'
    if token.meta.get("figure"):
        return f"<figure>{image}<figcaption>{alt}</figcaption></figure>\n"
    return image


def _render_wikilink(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    state, token = _state(env), tokens[idx]
    target, _, shown = token.content.partition("|")
    target, shown = target.strip(), shown.strip()
    title, _, anchor = ("", "", target) if target.startswith("eq:") else target.partition("#")
    title, anchor = title.strip(), anchor.strip()
    outline = state.outline if not title else state.links.outlines.get(title.casefold())
    if outline is None:
        state.problem(token, f"broken link [[{token.content}]]: no page titled {title!r}")
        return f'<span class="broken-link">{html.escape(shown or title)}</span>'
    url = "" if outline is state.outline else state.links.page_url(outline.slug)
    if anchor.startswith("eq:"):
        label = anchor[3:]
        if label not in outline.equations:
            state.problem(token, f"broken link [[{token.content}]]: no equation ({label})")
            return f'<span class="broken-link">{html.escape(shown or anchor)}</span>'
        number = outline.equations[label]
        text = shown or (f"({number})" if not url else f"{outline.title}, Eq. ({number})")
        href = f"{url}#eq-{slugify(label)}"
    elif anchor:
        section = slugify(anchor)
        if section not in outline.sections:
            state.problem(token, f"broken link [[{token.content}]]: no section {anchor!r}")
            return f'<span class="broken-link">{html.escape(shown or anchor)}</span>'
        text = shown or f"{outline.title} § {outline.sections[section]}"
        href = f"{url}#{section}"
    else:
        text, href = shown or outline.title, url or "#"
    return f'<a class="wikilink" href="{html.escape(href)}">{html.escape(text)}</a>'


def _render_fence(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    state, token = _state(env), tokens[idx]
    renderer = _fence_renderers().get(token.info.strip())
    if renderer is None:
        return str(self.fence(tokens, idx, options, env))
    line = state.offset + token.map[0] + 1 if token.map else state.offset
    course_url = state.links.page_url("").rsplit("/pages/", 1)[0]
    widget, problems = renderer(Fence(token.content, line, course_url))
    state.problems += [Problem(at, message) for at, message in problems]
    slot = f"<p>widget-{secrets.token_hex(16)}</p>"
    state.widgets[slot] = widget
    return slot + "\n"


PARSER.add_render_rule("fence", _render_fence)
PARSER.add_render_rule("math_inline", _render_math_inline)
PARSER.add_render_rule("math_block", _render_math_block)
PARSER.add_render_rule("math_block_label", _render_math_block_label)
PARSER.add_render_rule("image", _render_image)
PARSER.add_render_rule("wikilink", _render_wikilink)


def sanitize(fragment: str) -> str:
    """Keep only harmless HTML and MathML: no script, no handlers, no javascript: URLs."""
    return nh3.clean(
        fragment,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "style":
        return value if _STYLE_ALIGN.match(value.replace(" ", "")) else None
    return value
