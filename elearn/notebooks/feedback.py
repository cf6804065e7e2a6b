"""Feedback page for a graded submission: the executed notebook as HTML with the scores.

Rendered with nbconvert's HTML exporter (lab look; plots are data URIs in the outputs),
maths in Markdown cells turned into MathML on the server, and no script loaded from the
network (feedback.html.j2).
Hidden tests' source is replaced by a note (their error message still shows).
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter

from elearn.notebooks.exercise import MARKERS, nbgrader_meta
from elearn.notebooks.grade import GradeReport
from elearn.notebooks.transform import replace_regions

HIDDEN_NOTE = "# (hidden tests, not shown)"
TEMPLATE = Path(__file__).with_name("feedback.html.j2")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


def render_feedback(report: GradeReport) -> str:
    """HTML document: a score summary, then each cell with outputs and per-test scores."""
    if report.notebook is None:
        raise ValueError("the report carries no executed notebook")
    nb = copy.deepcopy(report.notebook)
    by_id = {c.grade_id: c for c in report.cells}
    cells = [nbformat.v4.new_markdown_cell(_summary(report))]
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if MARKERS["HIDDEN TESTS"][0] in cell.source:
            cell.source = replace_regions(cell.source, "HIDDEN TESTS", HIDDEN_NOTE)
        if cell.cell_type == "markdown":
            cell.source = math_to_mathml(cell.source)
        cells.append(cell)
        if grade_id in by_id:
            result = by_id[grade_id]
            cells.append(nbformat.v4.new_markdown_cell(
                f"**Test `{grade_id}`: {result.points:g} / {result.max_points:g} points** "
                f"({result.status.replace('_', ' ')})"))
    nb.cells = cells
    exporter = HTMLExporter(extra_template_paths=[str(TEMPLATE.parent)],
                            template_file=TEMPLATE.name)
    body, _ = exporter.from_notebook_node(nb)
    return body


def math_to_mathml(markdown: str) -> str:
    """Replace $$...$$ (block) and $...$ (inline) TeX by MathML; bad TeX is left as typed."""

    def convert(match: re.Match, display: str) -> str:
        try:
            return latex_to_mathml(match.group(1).strip(), display=display)
        except Exception:  # latex2mathml raises many types on TeX it cannot parse
            return match.group(0)

    markdown = DISPLAY_MATH.sub(lambda m: convert(m, "block"), markdown)
    return INLINE_MATH.sub(lambda m: convert(m, "inline"), markdown)


def _summary(report: GradeReport) -> str:
    lines = [f"# Score: {report.score:g} / {report.max_score:g}", ""]
    if report.message:
        lines += [f"**Execution stopped:** {html.escape(report.message)}", ""]
    lines += ["| test | points | result |", "|---|---|---|"]
    for cell in report.cells:
        lines.append(f"| `{cell.grade_id}` | {cell.points:g} / {cell.max_points:g} | "
                     f"{cell.status.replace('_', ' ')} |")
    return "\n".join(lines)
