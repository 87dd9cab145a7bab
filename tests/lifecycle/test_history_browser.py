"""An editor reads an article's history in a real browser and restores an older revision."""

from __future__ import annotations

import pytest

from articles import services
from articles.models import Article
from tests.test_browser import (  # noqa: F401  (the browser's fixtures)
    _database_calls_beside_playwright,
    browser_page,
    content,
    editor_logged_in,
)

pytestmark = pytest.mark.slow


def test_an_editor_sees_the_diff_and_restores_a_revision(live_server, request, tmp_path):
    page = request.getfixturevalue("editor_logged_in")
    article = Article.objects.get(title="Les glaciers fondent")
    services.article_update(
        article, title="Les glaciers fondent vite", body="Un corps tout à fait nouveau."
    )
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    revisions = page.locator("#revisions")
    assert revisions.locator("tbody tr").count() == 2
    newest = revisions.locator("#revision-2")
    assert newest.locator("del", has_text="Les glaciers fondent").count() >= 1
    assert newest.locator("ins", has_text="vite").count() == 1
    page.screenshot(path=str(tmp_path / "history.png"), full_page=True)
    revisions.locator("#revision-1").get_by_role("button", name="Restore this revision").click()
    page.get_by_text("Revision 1 restored as a new revision.").wait_for(timeout=15000)
    article.refresh_from_db()
    assert article.title == "Les glaciers fondent"
    assert page.locator("#revisions tbody tr").count() == 3
    assert "Restore" in page.locator("#revision-3").inner_text()
