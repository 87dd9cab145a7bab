"""A merge racing an article write that names the merged entity, each with its own connection:
the write never breaks its links' foreign keys (an IntegrityError, a 500) and is never lost.
The writer locks the entities it resolved (``names.held_for_links``) before linking them: a
merge that committed after the writer read a name makes the writer read it again, and finds
the target by its alias; a merge that starts while the writer holds the lock waits for it,
then moves the new links too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from articles import bulk, bulk_rows, names, services
from articles.models import Article, Author, QuotedSource
from articles.services import articles as article_services
from articles.services import named as named_services
from tests.conftest import EDITOR_PERMISSIONS
from tests.factories import UserFactory
from tests.speakers.test_identity_race import WAIT, race, slug_holders, someone_waits_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()

CASES = [
    (QuotedSource, lambda: {"quotes": [{"source": "Zelenskyy", "text": "We hold the line."}]}),
    (Author, lambda: {"authors": ["Zelenskyy"]}),
]


class Pause:
    """Holds a writer in the middle of its transaction: the first call of the wrapped function
    that ``when`` accepts returns only once the test says ``go``."""

    def __init__(self, monkeypatch, target: object, name: str, when: Callable[..., bool]):
        self.reached, self.go = threading.Event(), threading.Event()
        original = getattr(target, name)

        def paused(*args, **kwargs):
            result = original(*args, **kwargs)
            if not self.reached.is_set() and when(*args, **kwargs):
                self.reached.set()
                self.go.wait(WAIT)
            return result

        monkeypatch.setattr(target, name, paused)


def in_thread(work: Callable[[], object], results: dict, key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = work()
        except BaseException as error:
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def write_one(article: Callable[[], dict]) -> list[str]:
    services.article_create(title="Kyiv", body="b", language="en", **article())
    return ["created"]


def write_batch(article: Callable[[], dict]) -> list[str]:
    items = [{"title": f"Kyiv {n}", "body": "b", "language": "en", **article()} for n in range(3)]
    return [outcome.status for outcome in bulk.upsert_many(items)]


def write_api(article: Callable[[], dict]) -> list[str]:
    """``POST /articles/``: a 201, never a 500 for the foreign key a merge broke."""
    client = APIClient()
    client.force_authenticate(User.objects.get(username="editor"))
    body = {"title": "Kyiv", "body": "b", "language": "en", **article()}
    response = client.post("/api/v1/articles/", body, format="json")
    return ["created"] if response.status_code == 201 else [response.status_code]


@dataclass(frozen=True)
class Writer:
    write: Callable[[Callable[[], dict]], list[str]]
    reads: tuple[object, str]  # reads a name of one model (its first argument)
    holds: tuple[object, str]  # returns the names read, to be linked
    articles: int


WRITERS = {
    "one by one": Writer(write_one, (named_services, "get_or_create_named"),
                         (article_services, "names_in_fixed_order"), 1),
    "api": Writer(write_api, (named_services, "get_or_create_named"),
                  (article_services, "names_in_fixed_order"), 1),
    "bulk": Writer(write_batch, (names, "holders"), (bulk_rows, "name_ids"), 3),
}  # fmt: skip


def merged_pair(model) -> tuple[int, int]:
    """``Zelenskyy`` (to merge) and ``Volodymyr Zelensky`` (the target); an editor for the
    API's writes."""
    UserFactory(username="editor", permissions=EDITOR_PERMISSIONS)
    merged = services.named_create(model, name="Zelenskyy")
    target = services.named_create(model, name="Volodymyr Zelensky")
    return merged.pk, target.pk


def merge(model, merged: int) -> int:
    return names.merge(model.objects.get(pk=merged), into="volodymyr-zelensky").pk


def one_by_one(monkeypatch) -> list:
    """The items a batch fell back to writing one by one (it failed as a whole)."""
    calls: list = []
    original = bulk.upsert_one

    def recorded(item, **rules):
        calls.append(item)
        return original(item, **rules)

    monkeypatch.setattr(bulk, "upsert_one", recorded)
    return calls


def assert_written_on(model, target: int, results: dict, writer: Writer) -> None:
    assert results["write"] == ["created"] * writer.articles, results
    for stored in Article.objects.prefetch_related("quotes", "bylines"):
        if model is QuotedSource:
            assert [quote.source_id for quote in stored.quotes.all()] == [target]
        else:
            assert [byline.author_id for byline in stored.bylines.all()] == [target]
    assert list(model.objects.values_list("pk", flat=True)) == [target]
    assert slug_holders(model, "zelenskyy") == [target]


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS)
@pytest.mark.parametrize(("model", "article"), CASES, ids=["quote", "byline"])
def test_a_merge_committed_after_the_writer_read_the_name_moves_the_write_to_the_target(
    monkeypatch, model, article, writer
):
    merged, target = merged_pair(model)
    fallback = one_by_one(monkeypatch)
    pause = Pause(monkeypatch, *writer.reads, lambda of, *_, **__: of is model)
    results: dict = {}
    thread = in_thread(lambda: writer.write(article), results, "write")
    assert pause.reached.wait(WAIT)
    merge(model, merged)  # commits before the writer links the name it read
    pause.go.set()
    thread.join(WAIT)
    assert_written_on(model, target, results, writer)
    assert fallback == []  # a batch stays set-based: it is not written again item by item


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS)
@pytest.mark.parametrize(("model", "article"), CASES, ids=["quote", "byline"])
def test_a_merge_waits_for_the_writer_that_holds_the_name_then_moves_its_links(
    monkeypatch, model, article, writer
):
    merged, target = merged_pair(model)
    fallback = one_by_one(monkeypatch)
    pause = Pause(monkeypatch, *writer.holds, lambda *_: True)
    results: dict = {}
    thread = in_thread(lambda: writer.write(article), results, "write")
    assert pause.reached.wait(WAIT)
    merging = in_thread(lambda: merge(model, merged), results, "merge")
    waited = someone_waits_on_a_lock()
    pause.go.set()
    thread.join(WAIT)
    merging.join(WAIT)
    assert waited  # the merge came while the writer held the name, and waited for it
    assert results["merge"] == target, results
    assert_written_on(model, target, results, writer)
    assert fallback == []


def test_a_second_merge_of_an_entity_merged_meanwhile_is_a_404():
    merged, target = merged_pair(QuotedSource)
    other = services.named_create(QuotedSource, name="V. Zelensky").pk
    editor = User.objects.get(username="editor")

    def merge_again():
        client = APIClient()
        client.force_authenticate(editor)
        response = client.post(
            "/api/v1/sources/zelenskyy/merge/", {"into": "v-zelensky"}, format="json"
        )
        return response.status_code, response.json()

    waited, results = race(lambda: merge(QuotedSource, merged), merge_again)
    assert results["first"] == target, results
    assert waited
    assert results["second"] == (404, {"detail": "'Zelenskyy' was merged or deleted meanwhile."})
    assert sorted(QuotedSource.objects.values_list("pk", flat=True)) == [target, other]
