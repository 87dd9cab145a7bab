"""One slug names one author (source) under concurrency too: an alias added while another
transaction creates that name, each with its own connection, at the same instant. The loser
waits for the winner's commit (``TakenSlug``'s key), then is answered as if it had come after:
the write attaches to the aliased entity, the alias is the documented 409 naming the clash."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from articles import bulk, names, services
from articles.models import Article, Author, QuotedSource, TakenSlug
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 20  # seconds a thread waits for the other at most


def someone_waits_on_a_lock(seconds: float = 5) -> bool:
    """Whether another backend of this database comes to wait on a lock within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def race(first: Callable[[], object], second: Callable[[], object]) -> tuple[bool, dict]:
    """``first`` runs in a transaction held open until ``second`` (in another thread, its own
    connection) has started and come to wait on it; then ``first`` commits. Returns whether
    ``second`` waited, and each one's result (or exception) by name."""
    done_first, release = threading.Event(), threading.Event()
    results: dict = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                results["first"] = first()
                done_first.set()
                release.wait(WAIT)
        except BaseException as error:
            results["first"] = error
            done_first.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            done_first.wait(WAIT)
            results["second"] = second()
        except BaseException as error:
            results["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    threads[0].start()
    assert done_first.wait(WAIT)
    threads[1].start()
    waited = someone_waits_on_a_lock()
    release.set()
    for thread in threads:
        thread.join(WAIT)
    return waited, results


def slug_holders(model, slug: str) -> list[int]:
    """Every entity that answers to ``slug``, as its name or an alias."""
    named = list(model.objects.filter(slug=slug).values_list("pk", flat=True))
    aliased = list(model.objects.filter(alias_slugs__contains=[slug]).values_list("pk", flat=True))
    return named + aliased


@pytest.mark.parametrize(
    ("model", "name", "alias", "article"),
    [
        (QuotedSource, "Volodymyr Zelensky", "Zelenskyy",
         lambda: {"quotes": [{"source": "Zelenskyy", "text": "We hold the line."}]}),
        (Author, "Claire Dubois", "C. Dubois", lambda: {"authors": ["C. Dubois"]}),
    ],
)  # fmt: skip
def test_a_write_naming_an_alias_being_added_gets_the_aliased_entity(model, name, alias, article):
    entity = services.named_create(model, name=name)

    def add_alias():
        return services.named_update(model.objects.get(pk=entity.pk), aliases=[alias]).aliases

    def write():
        return services.article_create(title="Kyiv", body="b", language="en", **article()).pk

    waited, results = race(add_alias, write)
    assert results["first"] == [alias], results
    assert isinstance(results["second"], int), results
    assert waited  # the write came while the alias was uncommitted, and waited for it
    stored = Article.objects.get(pk=results["second"])
    if model is QuotedSource:
        assert [q.source_id for q in stored.quotes.all()] == [entity.pk]
    else:
        assert [b.author_id for b in stored.bylines.all()] == [entity.pk]
    assert model.objects.count() == 1
    assert slug_holders(model, "zelenskyy" if model is QuotedSource else "c-dubois") == [entity.pk]


def test_an_alias_added_while_a_quote_creates_that_name_is_a_409_naming_it():
    entity = services.named_create(QuotedSource, name="Volodymyr Zelensky")
    editor = UserFactory(username="editor", permissions=EDITOR_PERMISSIONS)

    def quote():
        article = services.article_create(
            title="Kyiv", body="b", language="en",
            quotes=[{"source": "Zelenskyy", "text": "We hold the line."}],
        )  # fmt: skip
        return article.quotes.get().source_id

    def add_alias():
        client = APIClient()
        client.force_authenticate(editor)
        response = client.patch(
            "/api/v1/sources/volodymyr-zelensky/", {"aliases": ["Zelenskyy"]}, format="json"
        )
        return response.status_code, response.json()

    waited, results = race(quote, add_alias)
    status, body = results["second"]
    assert status == 409, body
    assert body == {
        "aliases": ["'Zelenskyy' is the name of the quoted source 'Zelenskyy' (zelenskyy)."]
    }
    assert waited
    new_source = results["first"]
    assert new_source != entity.pk
    assert QuotedSource.objects.get(pk=entity.pk).aliases == []
    assert slug_holders(QuotedSource, "zelenskyy") == [new_source]


def test_a_bulk_batch_naming_an_alias_being_added_gets_the_aliased_source():
    entity = services.named_create(QuotedSource, name="Volodymyr Zelensky")

    def add_alias():
        return services.named_update(
            QuotedSource.objects.get(pk=entity.pk), aliases=["Zelenskyy"]
        ).aliases

    def write():
        items = [
            {"title": f"Kyiv {n}", "body": "b", "language": "en",
             "quotes": [{"source": "Zelenskyy", "text": f"Line {n}."}]}
            for n in range(3)
        ]  # fmt: skip
        return [outcome.status for outcome in bulk.upsert_many(items)]

    waited, results = race(add_alias, write)
    assert results["second"] == ["created"] * 3, results
    assert waited
    assert QuotedSource.objects.count() == 1
    assert QuotedSource.objects.get().quotes.count() == 3


def test_the_taken_slugs_follow_renames_aliases_merges_and_deletes():
    source = services.named_create(QuotedSource, name="Volodymyr Zelensky", aliases=["Zelenskyy"])
    other = services.named_create(QuotedSource, name="V. Zelensky")

    def taken():
        return sorted(TakenSlug.objects.filter(kind="source").values_list("slug", "entity_id"))

    assert taken() == [
        ("v-zelensky", other.pk), ("volodymyr-zelensky", source.pk), ("zelenskyy", source.pk)
    ]  # fmt: skip
    services.named_update(source, name="Zelensky", aliases=["Zelenskyy", "Zelenskiy"])
    assert taken() == [
        ("v-zelensky", other.pk), ("zelenskiy", source.pk), ("zelensky", source.pk),
        ("zelenskyy", source.pk),
    ]  # fmt: skip
    names.merge(QuotedSource.objects.get(pk=other.pk), into="zelensky")
    assert taken() == [
        ("v-zelensky", source.pk), ("zelenskiy", source.pk), ("zelensky", source.pk),
        ("zelenskyy", source.pk),
    ]  # fmt: skip
    services.named_delete(QuotedSource.objects.get(pk=source.pk))
    assert taken() == []
