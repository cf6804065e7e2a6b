"""Teachers edit pages in the browser: preview, save as revision, conflicts, history, diff, revert."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.wiki.models import Page, PageRevision, RevisionOrigin

EDIT = "/courses/mini/pages/bragg/edit"


def body_of(session: Session, slug: str) -> str:
    page = session.scalars(select(Page).where(Page.slug == slug)).one()
    session.refresh(page)
    return page.html


def edit_form(client) -> dict[str, str]:
    html = client.get(EDIT).get_data(as_text=True)
    body = re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    return {
        "title": re.search(r'id="title" name="title" required value="([^"]*)"', html).group(1),
        "body": body.replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"),
        "base": re.search(r'name="base" value="(\d+)"', html).group(1),
    }


def test_preview_renders_without_saving(client, auth, make_user, mini_course, session: Session) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    response = auth.post(
        EDIT, {**form, "body": form["body"] + "\nPreviewed $\\alpha$ text.\n", "preview": "1"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<section class="preview"' in html and "Previewed" in html and "<mi>α</mi>" in html
    assert "Previewed" not in body_of(session, "bragg")


def test_save_makes_a_revision_with_author_and_message(client, auth, make_user, mini_course, session) -> None:
    teacher = make_user(Role.TEACHER)
    auth.login(teacher)
    form = edit_form(client)
    response = auth.post(
        EDIT,
        {**form, "body": form["body"] + "\nAdded by a teacher.\n", "message": "add a sentence", "save": "1"},
    )
    assert response.status_code == 302
    latest = session.scalars(select(PageRevision).order_by(PageRevision.id.desc())).first()
    assert (latest.number, latest.origin, latest.author_id, latest.message) == (
        2,
        RevisionOrigin.WEB,
        teacher.id,
        "add a sentence",
    )
    assert "Added by a teacher." in client.get("/courses/mini/pages/bragg").get_data(as_text=True)


def test_problems_block_saving_and_keep_the_text(client, auth, make_user, mini_course, session) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    broken = form["body"] + "\nSee [[No such page]] and $\\frac{1$.\n"
    response = auth.post(EDIT, {**form, "body": broken, "save": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "broken link [[No such page]]" in html and "unbalanced braces" in html
    assert "See [[No such page]]" in html  # the teacher's text is still in the form
    assert "No such page" not in body_of(session, "bragg")


def test_concurrent_edit_is_refused_not_lost(client, auth, make_user, mini_course) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    assert auth.post(EDIT, {**form, "body": form["body"] + "\nFirst.\n", "save": "1"}).status_code == 302
    late = auth.post(EDIT, {**form, "body": form["body"] + "\nSecond.\n", "save": "1"})
    html = late.get_data(as_text=True)
    assert late.status_code == 400
    assert "Revision 2 was saved after you started editing revision 1" in html
    assert "Second." in html


def test_renaming_a_linked_page_is_refused(client, auth, make_user, mini_course) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    response = auth.post(EDIT, {**form, "title": "Bragg scattering", "save": "1"})
    assert response.status_code == 400
    assert "This edit would break links in: Neutron waves." in response.get_data(as_text=True)


def test_history_diff_and_revert(client, auth, make_user, mini_course, session) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    auth.post(EDIT, {**form, "body": form["body"].replace("Crystal planes", "Lattice planes"), "save": "1"})
    history = client.get("/courses/mini/pages/bragg/history").get_data(as_text=True)
    assert "Revert to 1" in history and "course import" in history
    diff = client.get("/courses/mini/pages/bragg/diff?from=1&to=2").get_data(as_text=True)
    assert '<span class="remove">-Crystal planes reflect when</span>' in diff
    assert '<span class="add">+Lattice planes reflect when</span>' in diff
    response = auth.post("/courses/mini/pages/bragg/revert/1", form_page="/courses/mini/pages/bragg/history")
    assert response.status_code == 302
    assert "Crystal planes" in body_of(session, "bragg")
    numbers = session.scalars(
        select(PageRevision.origin).join(Page).where(Page.slug == "bragg").order_by(PageRevision.number)
    ).all()
    assert numbers == [RevisionOrigin.IMPORT, RevisionOrigin.WEB, RevisionOrigin.REVERT]


def test_teacher_html_cannot_inject_script(client, auth, make_user, mini_course) -> None:
    auth.login(make_user(Role.TEACHER))
    form = edit_form(client)
    evil = form["body"] + '\n<script>document.title="owned"</script><img src=x onerror="alert(1)">\n'
    assert auth.post(EDIT, {**form, "body": evil, "save": "1"}).status_code == 302
    page = client.get("/courses/mini/pages/bragg").get_data(as_text=True)
    assert "owned" not in page and "onerror" not in page


def test_page_view_has_navigation_toc_and_maths(client, mini_course) -> None:
    html = client.get("/courses/mini/pages/bragg").get_data(as_text=True)
    assert '<a rel="prev" href="/courses/mini/pages/waves">← Neutron waves</a>' in html
    assert '<a rel="next" href="/courses/mini/pages/sans">Small-angle scattering →</a>' in html
    assert '<li class="level-2"><a href="#powder-patterns">Powder patterns</a></li>' in html
    assert '<span class="equation-number">(1)</span>' in html
    assert client.get("/courses/mini/figures/speed.svg").mimetype == "image/svg+xml"
    assert client.get("/courses/mini/pages/nope").status_code == 404
