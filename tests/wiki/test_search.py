"""Full-text search on the database in use (FTS5 on SQLite, text search on PostgreSQL)."""

from elearn.auth.models import Role
from elearn.wiki.search import search_pages


def test_finds_pages_by_words_with_stemming(session, mini_course) -> None:
    hits = search_pages(session, "reflecting crystal")
    assert [hit.slug for hit in hits] == ["bragg"]
    assert "<mark>" in hits[0].snippet_html


def test_title_matches_rank_first(session, mini_course) -> None:
    assert search_pages(session, "neutron")[0].slug == "waves"


def test_query_syntax_cannot_break_search(session, mini_course) -> None:
    for query in ['"', "AND OR NOT", "(((", "x* NEAR(", "'; DROP TABLE pages; --", ""]:
        assert isinstance(search_pages(session, query), list)


def test_snippets_escape_page_text(session, mini_course, client, auth, make_user) -> None:
    auth.login(make_user(Role.TEACHER))
    html = client.get("/courses/mini/pages/sans/edit").get_data(as_text=True)
    base = html.split('name="base" value="')[1].split('"')[0]
    auth.post(
        "/courses/mini/pages/sans/edit",
        {
            "title": "Small-angle scattering",
            "base": base,
            "save": "1",
            "body": "Spheres scatter `<b>bold</b>` at small angles.",
        },
    )
    [hit] = search_pages(session, "spheres")
    assert "bold" in hit.snippet_html and "<b>" not in hit.snippet_html


def test_edits_are_searchable_at_once(client, mini_course) -> None:
    page = client.get("/search?q=form+factor").get_data(as_text=True)
    assert "1 page found" in page and "/courses/mini/pages/sans" in page
