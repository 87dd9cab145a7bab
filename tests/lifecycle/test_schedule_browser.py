"""The admin's scheduled articles, in a real browser (Chromium): the "readers see it" filter
and the column that says when each goes live."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory
from tests.test_browser import (  # noqa: F401  (fixtures)
    _database_calls_beside_playwright,
    browser_page,
    changelist_titles,
    content,
    editor_logged_in,
)

pytestmark = pytest.mark.slow


def test_the_admin_lists_scheduled_articles_and_when_they_go_live(
    live_server,
    editor_logged_in,  # noqa: F811  (the fixture)
):
    ArticleFactory(title="Budget embargoed", published_at=timezone.now() + datetime.timedelta(1))
    page = editor_logged_in
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.locator("details[data-filter-title='readers see it'] a", has_text="Scheduled").click()
    page.wait_for_url("**readers=scheduled*")
    assert changelist_titles(page) == ["Budget embargoed"]
    column = page.locator("#result_list td.field-readers_column").all_inner_texts()
    assert len(column) == 1 and column[0].startswith("Goes live")
