"""Full-text search over pages: SQLite FTS5 on the embedded default, PostgreSQL text search in production."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from elearn.wiki.models import Page

_START, _STOP = "\ue000", "\ue001"  # private-use marks around matches, escaped safely later


@dataclass
class SearchHit:
    page_id: int
    course_slug: str
    slug: str
    title: str
    snippet_html: str  # escaped text with <mark> around matches


def index_page(session: Session, page: Page) -> None:
    """Bring the search index up to date for ``page`` (PostgreSQL indexes the columns itself)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.execute(text("DELETE FROM page_fts WHERE rowid = :id"), {"id": page.id})
    session.execute(
        text("INSERT INTO page_fts (rowid, title, body) VALUES (:id, :title, :body)"),
        {"id": page.id, "title": page.title, "body": page.search_text},
    )


def search_pages(
    session: Session, query: str, course_id: int | None = None, limit: int = 20
) -> list[SearchHit]:
    """Pages matching all words of ``query``, best first."""
    if session.get_bind().dialect.name == "sqlite":
        words = re.findall(r"\w+", query)
        if not words:
            return []
        statement = text(
            "SELECT p.id, c.slug, p.slug, p.title, "
            f"snippet(page_fts, 1, '{_START}', '{_STOP}', '…', 16) "
            "FROM page_fts JOIN pages p ON p.id = page_fts.rowid JOIN courses c ON c.id = p.course_id "
            "WHERE page_fts MATCH :match AND (:course IS NULL OR p.course_id = :course) "
            "ORDER BY bm25(page_fts, 5.0, 1.0) LIMIT :limit"
        )
        match = " ".join('"' + word.replace('"', "") + '"' for word in words)
        params: dict[str, object] = {"match": match, "course": course_id, "limit": limit}
    else:
        if not query.strip():
            return []
        statement = text(
            "SELECT p.id, c.slug, p.slug, p.title, "
            f"ts_headline('english', p.search_text, q, 'StartSel={_START}, StopSel={_STOP}, "
            "MaxWords=30, MinWords=12') "
            "FROM pages p JOIN courses c ON c.id = p.course_id, "
            "websearch_to_tsquery('english', :query) q "
            "WHERE to_tsvector('english', p.title || ' ' || p.search_text) @@ q "
            "AND (CAST(:course AS INTEGER) IS NULL OR p.course_id = :course) "
            "ORDER BY ts_rank(to_tsvector('english', p.title || ' ' || p.search_text), q) DESC "
            "LIMIT :limit"
        )
        params = {"query": query, "course": course_id, "limit": limit}
    return [
        SearchHit(row[0], row[1], row[2], row[3], _marked(row[4] or ""))
        for row in session.execute(statement, params)
    ]


def _marked(snippet: str) -> str:
    escaped = html.escape(snippet)
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
