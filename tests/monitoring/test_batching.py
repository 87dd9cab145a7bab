"""Percolation's fast paths give the answers of the plain ones: a batch's terms read from its
index's term dictionaries are those of its texts analysed, typo candidates looked up once per
batch are those looked up each time, large batches record what small ones do, and matches
written with COPY (no foreign key constraints) stay once per version and go with what they
belong to."""

from __future__ import annotations

import datetime
import itertools
import json

import pytest
from rest_framework.test import APIClient

from articles import events, monitoring, representation, search, selectors, services
from articles.events.models import WebhookDelivery, WebhookEndpoint
from articles.models import Article
from articles.monitoring import _percolate as percolation
from articles.monitoring.models import PercolationState, SavedSearchMatch
from articles.search import introspect as percolator
from articles.search.introspect import (
    analyser_key,
    article_texts,
    current_synonyms,
    parse,
    read_articles,
    typo_alternatives,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

WORDS = ["harbour", "ferry", "storm", "council", "bridge", "tide", "river", "night"]


def numbered() -> None:
    while events.sequence():
        pass
    events.dispatch()


def recorded() -> list[tuple[int, int, str]]:
    return list(
        SavedSearchMatch.objects.order_by("id").values_list(
            "saved_search_id", "article_id", "version"
        )
    )


def articles(count: int) -> list[Article]:
    made = []
    for n, (a, b, c) in enumerate(itertools.islice(itertools.permutations(WORDS, 3), count)):
        made.append(
            ArticleFactory(
                title=f"The {a} and the {b}",
                body=f"<p>At {c}, the {a}s were counted.</p>",
                language="fr" if n % 4 == 0 else "en",
                status=Article.Status.DRAFT if n % 5 == 0 else Article.Status.PUBLISHED,
            )
        )
    return made


def test_batch_terms_are_the_analysed_texts():
    made = articles(12)
    search.engine().searcher()
    rows = read_articles([a.pk for a in made])
    batch = percolator.batch_searcher(rows)
    keys = {analyser_key(row.language) for row in rows}
    expected = set()
    for row in rows:
        expected |= percolator.article_terms(
            analyser_key(row.language), article_texts(row).values()
        )
    assert percolator.batch_terms(batch, keys) == expected and len(expected) >= 20


def test_typo_candidates_looked_up_once_are_the_same():
    ArticleFactory(title="The parliament and the parliaments", body="A parlement votes.")
    ArticleFactory(title="Harbour news", body="The harbours are full.")
    searcher = search.engine().searcher()
    synonyms = current_synonyms()
    looked_up: dict = {}
    for q in ["parliment", "harbuor parliment", "parliment OR harbuor", "harbuor"]:
        parsed = synonyms.join_phrases(parse(q))
        plain = typo_alternatives(parsed, ["english", "french"], searcher, synonyms)
        cached = typo_alternatives(parsed, ["english", "french"], searcher, synonyms, looked_up)
        assert cached == plain and plain
    assert set(looked_up) == {
        ("parliment", ("english", "french")),
        ("harbuor", ("english", "french")),
    }


def test_small_and_large_batches_record_the_same(reader, editor):
    queries = [*WORDS, "harbour ferry", '"the storm"', "tide OR river", "bridge -night",
               "harbuor", "", "councl"]  # fmt: skip
    for owner, q in itertools.product([reader, editor], queries):
        monitoring.saved_search_create(
            owner=owner, name=q or "all", q=q, filters={} if q else {"language": "en"}
        )
    articles(30)
    numbered()
    percolation._PERCOLATOR.__init__()  # plans made afresh, as in a new worker
    while percolation.percolate(batch=7):
        pass
    small = recorded()
    SavedSearchMatch.objects.all().delete()
    PercolationState.objects.update(percolated_through_seq=0)
    percolation._PERCOLATOR.__init__()
    assert percolation.percolate() >= 30 and not percolation.percolate()
    assert recorded() == small and len(small) > 100
    ids = list(SavedSearchMatch.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # one consecutive run, in order


def test_a_version_already_recorded_is_not_recorded_again(reader):
    saved = monitoring.saved_search_create(owner=reader, name="tide", q="tide")
    article = ArticleFactory(title="The tide")
    numbered()
    percolation.percolate()
    first = recorded()
    PercolationState.objects.update(percolated_through_seq=0)
    percolation.percolate()
    assert (
        recorded()
        == first
        == [(saved.pk, article.pk, services.article_versions([article.pk])[article.pk])]
    )


def test_matches_go_with_their_saved_search_and_article(reader):
    client = APIClient()
    client.force_authenticate(reader)
    kept = monitoring.saved_search_create(owner=reader, name="ferry", q="ferry")
    gone = monitoring.saved_search_create(owner=reader, name="ferry too", q="ferry")
    one, two = ArticleFactory(title="A ferry"), ArticleFactory(title="Another ferry")
    numbered()
    percolation.percolate()
    assert SavedSearchMatch.objects.count() == 4
    assert client.delete(f"/api/v1/saved-searches/{gone.pk}/").status_code == 204
    services.article_delete(Article.objects.get(pk=one.pk))
    assert recorded() == [(kept.pk, two.pk, services.article_versions([two.pk])[two.pk])]


def test_matches_of_what_is_gone_are_not_recorded(reader):
    saved = monitoring.saved_search_create(owner=reader, name="storm", q="storm")
    article = ArticleFactory(title="A storm")
    searches = percolation._active_searches()
    version = services.article_versions([article.pk])[article.pk]
    percolation._record([(article.pk, version, [saved.pk, saved.pk + 1000])], searches)
    percolation._record([(article.pk + 1000, version, [saved.pk])], searches)
    assert recorded() == [(saved.pk, article.pk, version)]


def test_copy_text_escapes():
    assert events.copy_text('7-123"') == '7-123"'
    assert events.copy_text("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"


def test_a_payload_put_together_is_the_payload_encoded_whole():
    """Compact JSON is the same text whole or from its values' texts: deliveries share each
    article's encoded summary and give the bytes of the envelope encoded whole."""
    at = datetime.datetime(2026, 12, 3, 14, 5, 6, 789, tzinfo=datetime.UTC)
    tricky = ['"quoted" \\ back\tslash\nline\r\u2028 é 🌊 \x00\x1f', 1.5, None, True, {"é": []}]
    data = {"saved_search": {"id": 7, "name": tricky[0]}, "article": {"title": tricky}}
    whole = json.dumps(
        {"type": monitoring.MATCHED, "timestamp": "2026-12-03T14:05:06.000789Z", "data": data},
        separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    parts = (
        f'{{"saved_search":{events.webhook_payload_json(data["saved_search"])},'
        f'"article":{events.webhook_payload_json(data["article"])}}}'
    )
    assert events.webhook_payload_around(monitoring.MATCHED, at, parts) == whole
    assert events.webhook_payload(monitoring.MATCHED, at, data) == whole


def test_deliveries_hold_what_the_list_shows(reader):
    hook = WebhookEndpoint.objects.create(
        owner=reader, url="https://hooks.example.org/in", events=["tag.created"],
        secret=events.new_secret(),
    )  # fmt: skip
    name = 'Tide "watch" \\ \t é 🌊'
    saved = monitoring.saved_search_create(owner=reader, name=name, q="tide", webhook=hook)
    other = monitoring.saved_search_create(owner=reader, name="tides", q="tides", webhook=hook)
    article = ArticleFactory(title='The tide\t"rises" \\ ère\u2028 🌊', standfirst="a\nb\r c")
    numbered()
    percolation.percolate()
    summary = representation.article_summary(selectors.article_rows([article.pk]))[article.pk]
    deliveries = WebhookDelivery.objects.filter(event_type=monitoring.MATCHED).order_by("id")
    assert len(deliveries) == 2
    for delivery, search_ in zip(deliveries, [saved, other], strict=True):
        match = search_.matches.get()
        data = {"saved_search": {"id": search_.pk, "name": search_.name}, "article": summary}
        expected = events.webhook_payload(monitoring.MATCHED, match.matched_at, data)
        assert delivery.payload == expected
        assert (
            delivery.endpoint_id, delivery.event_id, delivery.message_id, delivery.attempt,
            delivery.state, delivery.response_body, delivery.error, delivery.status_code,
            delivery.duration_ms, delivery.created_at, delivery.next_attempt_at,
        ) == (
            hook.pk, match.pk, f"msg_match_{match.pk}", 0, "pending", "", "", None, None,
            match.matched_at, match.matched_at,
        )  # fmt: skip
