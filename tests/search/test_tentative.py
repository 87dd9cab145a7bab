"""A search inside a transaction that wrote reads its own writes: the shared index takes them
as tentative, and once that transaction is over (rolled back or committed) applies their
objects again as they are then. A rolled-back write leaves nothing in the index."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles import search, services
from articles.search import _changelog as changelog
from articles.search import _engine
from tests.factories import ArticleFactory, indexed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.index_on_disk]


class RolledBack(Exception):
    pass


def live_state():
    return search.engine()._live_state()


def everything() -> int:
    query = search.ArticleSearch(q="", editor=True)
    return search.search_articles(query, offset=0, limit=1).count


def test_a_rolled_back_write_that_a_search_saw_leaves_nothing_in_the_index():
    kept = ArticleFactory(title="Glaciers of the north", language="en")
    assert indexed("glaciers") == {kept.pk}
    with pytest.raises(RolledBack), transaction.atomic():
        ghost = services.article_create(
            title="Glaciers of the south", body="b", language="en", status="published"
        )
        services.article_update(kept, title="Glaciers renamed")
        assert indexed("glaciers") == {kept.pk, ghost.pk}  # its own writes
        assert indexed("renamed") == {kept.pk}
        assert live_state().tentative  # kept aside with the transaction's id
        raise RolledBack
    assert indexed("glaciers") == {kept.pk}
    assert indexed("renamed") == set()
    assert indexed("north") == {kept.pk}
    assert everything() == 1
    assert live_state().tentative == {}


def test_a_committed_write_that_a_search_saw_stays_and_is_settled():
    with transaction.atomic():
        article = services.article_create(
            title="Glaciers of the south", body="b", language="en", status="published"
        )
        assert indexed("glaciers") == {article.pk}
        services.article_update(article, title="Glaciers of the east")  # after the search
    assert indexed("east") == {article.pk}
    assert indexed("south") == set()
    assert live_state().tentative == {}


def test_searches_in_the_writing_transaction_pay_nothing_for_its_own_tentative_changes():
    with transaction.atomic():
        services.article_create(
            title="Glaciers of the south", body="b", language="en", status="published"
        )
        indexed("glaciers")
        assert live_state().tentative
        with CaptureQueriesContext(connection) as captured:
            indexed("glaciers")
        assert len(captured) == 2  # the log's status and the page's rows, as outside
        transaction.set_rollback(True)
    assert indexed("glaciers") == set()


def test_another_connections_tentative_changes_are_settled_once_it_rolls_back():
    kept = ArticleFactory(title="Glaciers of the north", language="en")
    assert indexed("glaciers") == {kept.pk}
    wrote, over = threading.Event(), threading.Event()

    def writer() -> None:  # its own connection, its own transaction
        try:
            with transaction.atomic():
                ghost = services.article_create(
                    title="Glaciers of the south", body="b", language="en", status="published"
                )
                assert ghost.pk in indexed("glaciers")
                wrote.set()
                over.wait(10)
                transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert wrote.wait(10)
        # While it runs its changes stay tentative (applied again by each apply, kept).
        ArticleFactory(title="Glaciers of the west", language="en")
        assert len(indexed("glaciers")) == 3
        assert live_state().tentative
    finally:
        over.set()
        thread.join()
    assert len(indexed("glaciers")) == 2
    assert everything() == 2
    assert live_state().tentative == {}


def test_a_transaction_not_begun_in_a_snapshot_counts_as_in_progress():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000)::text"
        )
        (future,) = cursor.fetchone()
    assert changelog.transaction_statuses([future]) == {future: "in progress"}
    assert _engine._settled({future: {"a": [1]}}) == {}
