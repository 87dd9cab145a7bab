"""A merge racing an article write that names the merged entity, each with its own connection:
the write never breaks its links' foreign keys (an IntegrityError, a 500) and is never lost.
The writer locks the entities it resolved (``names.held_for_links``) before linking them: a
merge that committed after the writer read a name makes the writer read it again, and finds
the target by its alias; a merge that starts while the writer holds the lock waits for it,
then moves the new links too."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from articles import bulk, bulk_rows, names, services
from articles.models import Article, Author, QuotedSource
from articles.services import articles as article_services
from articles.services import named as named_services
from tests.speakers.test_identity_race import WAIT, slug_holders, someone_waits_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)

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


def write(article: Callable[[], dict]) -> Callable[[], int]:
    return lambda: services.article_create(title="Kyiv", body="b", language="en", **article()).pk


def linked(model, article_id: int) -> list[int]:
    stored = Article.objects.get(pk=article_id)
    if model is QuotedSource:
        return [quote.source_id for quote in stored.quotes.all()]
    return [byline.author_id for byline in stored.bylines.all()]


def merged_pair(model) -> tuple[int, int]:
    """``Zelenskyy`` (to merge) and ``Volodymyr Zelensky`` (the target)."""
    merged = services.named_create(model, name="Zelenskyy")
    target = services.named_create(model, name="Volodymyr Zelensky")
    return merged.pk, target.pk


@pytest.mark.parametrize(("model", "article"), CASES)
def test_a_merge_committed_after_the_writer_read_the_name_moves_the_write_to_the_target(
    monkeypatch, model, article
):
    merged, target = merged_pair(model)
    pause = Pause(monkeypatch, named_services, "get_or_create_named",
                  lambda of, name, **_: of is model and name == "Zelenskyy")  # fmt: skip
    results: dict = {}
    writer = in_thread(write(article), results, "write")
    assert pause.reached.wait(WAIT)
    names.merge(model.objects.get(pk=merged), into="volodymyr-zelensky")  # commits
    pause.go.set()
    writer.join(WAIT)
    assert isinstance(results["write"], int), results
    assert linked(model, results["write"]) == [target]
    assert list(model.objects.values_list("pk", flat=True)) == [target]
    assert slug_holders(model, "zelenskyy") == [target]


@pytest.mark.parametrize(("model", "article"), CASES)
def test_a_merge_waits_for_the_writer_that_holds_the_name_then_moves_its_links(
    monkeypatch, model, article
):
    merged, target = merged_pair(model)
    pause = Pause(monkeypatch, article_services, "names_in_fixed_order", lambda *_: True)
    results: dict = {}
    writer = in_thread(write(article), results, "write")
    assert pause.reached.wait(WAIT)
    merge = in_thread(
        lambda: names.merge(model.objects.get(pk=merged), into="volodymyr-zelensky").pk,
        results,
        "merge",
    )
    waited = someone_waits_on_a_lock()
    pause.go.set()
    writer.join(WAIT)
    merge.join(WAIT)
    assert waited  # the merge came while the writer held the name, and waited for it
    assert isinstance(results["write"], int), results
    assert results["merge"] == target, results
    assert linked(model, results["write"]) == [target]
    assert list(model.objects.values_list("pk", flat=True)) == [target]


def bulk_write(article: Callable[[], dict]) -> Callable[[], list[str]]:
    items = [{"title": f"Kyiv {n}", "body": "b", "language": "en", **article()} for n in range(3)]
    return lambda: [outcome.status for outcome in bulk.upsert_many(items)]


def one_by_one(monkeypatch) -> list:
    """The items a batch fell back to writing one by one (it failed as a whole)."""
    calls: list = []
    original = bulk.upsert_one
    monkeypatch.setattr(
        bulk, "upsert_one", lambda item, **rules: calls.append(item) or original(item, **rules)
    )
    return calls


@pytest.mark.parametrize(("model", "article"), CASES)
def test_a_merge_committed_after_a_batch_read_the_name_moves_the_batch_to_the_target(
    monkeypatch, model, article
):
    merged, target = merged_pair(model)
    fallback = one_by_one(monkeypatch)
    pause = Pause(monkeypatch, names, "holders", lambda of, slugs: of is model)
    results: dict = {}
    writer = in_thread(bulk_write(article), results, "write")
    assert pause.reached.wait(WAIT)
    names.merge(model.objects.get(pk=merged), into="volodymyr-zelensky")  # commits
    pause.go.set()
    writer.join(WAIT)
    assert results["write"] == ["created"] * 3, results
    assert fallback == []  # written set-based, not item by item after a failed batch
    for article_id in Article.objects.values_list("pk", flat=True):
        assert linked(model, article_id) == [target]
    assert list(model.objects.values_list("pk", flat=True)) == [target]


@pytest.mark.parametrize(("model", "article"), CASES)
def test_a_merge_waits_for_the_batch_that_holds_the_name_then_moves_its_links(
    monkeypatch, model, article
):
    merged, target = merged_pair(model)
    fallback = one_by_one(monkeypatch)
    pause = Pause(monkeypatch, bulk_rows, "name_ids", lambda *_: True)
    results: dict = {}
    writer = in_thread(bulk_write(article), results, "write")
    assert pause.reached.wait(WAIT)
    merge = in_thread(
        lambda: names.merge(model.objects.get(pk=merged), into="volodymyr-zelensky").pk,
        results,
        "merge",
    )
    waited = someone_waits_on_a_lock()
    pause.go.set()
    writer.join(WAIT)
    merge.join(WAIT)
    assert waited
    assert results["write"] == ["created"] * 3, results
    assert fallback == []
    assert results["merge"] == target, results
    for article_id in Article.objects.values_list("pk", flat=True):
        assert linked(model, article_id) == [target]
    assert list(model.objects.values_list("pk", flat=True)) == [target]
