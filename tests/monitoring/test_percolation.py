"""Percolation: articles that become visible or change while visible are matched against
every active saved search as the article list would match them for its owner (q syntax,
stemming, typo tolerance, synonyms, filters, visibility), once per version, recorded behind
a cursor and sent to the saved search's webhook."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from articles import events, monitoring, search, services
from articles.models import Article, SynonymSet
from articles.monitoring.models import PercolationState, SavedSearch, SavedSearchMatch
from tests.events.receiver import Receiver
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SAVED = "/api/v1/saved-searches/"


def work() -> None:
    """Worker rounds until nothing is left (numbering, dispatch, percolation, deliveries)."""
    for _ in range(20):
        if not events.work_once():
            return


def saved(owner, q: str = "", **filters) -> SavedSearch:
    return monitoring.saved_search_create(owner=owner, name=q or "filters", q=q, filters=filters)


def matched(search: SavedSearch) -> list[int]:
    return list(search.matches.order_by("id").values_list("article_id", flat=True))


def test_stemming_accents_and_phrases(reader):
    plural = saved(reader, "soldat")
    accents = saved(reader, "coreens")
    phrase = saved(reader, '"front est"')
    either = saved(reader, "drone OR missile")
    excluded = saved(reader, "soldat -drone")
    one = ArticleFactory(
        title="Des soldats coréens", body="Sur le front est, un drone.", language="fr"
    )
    two = ArticleFactory(title="Un missile", body="Le front recule à l'est.", language="fr")
    three = ArticleFactory(title="Les soldats", body="Rien.", language="fr")
    work()
    assert matched(plural) == [one.pk, three.pk]
    assert matched(accents) == [one.pk]
    assert matched(phrase) == [one.pk]
    assert matched(either) == [one.pk, two.pk]
    assert matched(excluded) == [three.pk]


def test_typo_tolerance_follows_the_archive(reader):
    typo = saved(reader, "parliment")
    article = ArticleFactory(title="The parliament votes", body="A long session.")
    work()
    assert matched(typo) == [article.pk]


def test_synonyms_apply(reader):
    SynonymSet.objects.create(terms=["Kyiv", "Kiev"])
    kiev = saved(reader, "Kiev")
    article = ArticleFactory(title="Morning in Kyiv", body="Calm streets.")
    work()
    assert matched(kiev) == [article.pk]


def test_filters_apply(reader):
    tagged = saved(reader, "storm", tag=["weather"], language="en")
    section = saved(reader, "", section="sport")
    hit = ArticleFactory(title="A storm", tags=["Weather"], section="World")
    ArticleFactory(title="Another storm", tags=["Politics"], section="World")
    ArticleFactory(title="Une storm", tags=["Weather"], language="fr")
    match = ArticleFactory(title="The final", section="Sport")
    work()
    assert matched(tagged) == [hit.pk]
    assert matched(section) == [match.pk]


def test_a_draft_never_matches_a_readers_search(reader, editor):
    readers = saved(reader, "embargo")
    editors = saved(editor, "embargo")
    draft = ArticleFactory(title="The embargo", status=Article.Status.DRAFT)
    work()
    assert matched(readers) == [] and matched(editors) == [draft.pk]  # editors see drafts
    services.article_update(draft, body="Still embargoed.")
    work()
    assert matched(readers) == [] and matched(editors) == [draft.pk] * 2
    services.article_update(Article.objects.get(pk=draft.pk), status=Article.Status.PUBLISHED)
    work()
    assert matched(readers) == [draft.pk] and len(matched(editors)) == 3
    services.article_update(Article.objects.get(pk=draft.pk), status=Article.Status.DRAFT)
    work()
    assert matched(readers) == [draft.pk]


def test_once_per_version(reader):
    search_ = saved(reader, "harvest")
    article = ArticleFactory(title="The harvest")
    work()
    PercolationState.objects.update(percolated_through_seq=0)  # as if a worker died and retried
    work()
    assert matched(search_) == [article.pk]
    services.article_update(Article.objects.get(pk=article.pk), body="A record harvest.")
    work()
    versions = list(search_.matches.values_list("version", flat=True))
    assert matched(search_) == [article.pk, article.pk] and len(set(versions)) == 2
    services.article_update(Article.objects.get(pk=article.pk), title="Rain", body="Rain.")
    work()
    assert len(matched(search_)) == 2


def test_only_changes_after_it_was_saved_and_only_while_active(reader):
    ArticleFactory(title="Old floods")
    work()
    later = saved(reader, "floods")
    paused = saved(reader, "floods")
    paused.active = False
    paused.save()
    work()
    assert matched(later) == []
    new = ArticleFactory(title="New floods")
    work()
    assert matched(later) == [new.pk] and matched(paused) == []


def test_matches_page_with_cursors(reader):
    client = APIClient()
    client.force_authenticate(reader)
    search_ = saved(reader, "tide")
    other = saved(reader, "tide")
    made = [ArticleFactory(title=f"Tide {n}") for n in range(5)]
    work()
    url = f"{SAVED}{search_.pk}/matches/"
    seen, after, pages = [], None, 0
    while True:
        answer = client.get(url, {"limit": 2, **({"after": after} if after else {})})
        assert answer.status_code == 200, answer.content
        page = answer.json()
        seen += [item["article"]["id"] for item in page["results"]]
        assert all(item["article"]["links"]["self"].startswith("http") for item in page["results"])
        after, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    assert seen == [a.pk for a in made] and pages == 3
    assert client.get(url, {"after": after}).json()["results"] == []
    assert client.get(url, {"after": "nonsense"}).status_code == 400
    foreign = client.get(f"{SAVED}{other.pk}/matches/", {"after": after})
    assert foreign.status_code == 400 and "after" in foreign.json()
    assert client.get(url, {"limit": 0}).status_code == 400
    assert client.get(url, {"page": 2}).status_code == 400
    services.article_update(made[0], status=Article.Status.DRAFT)
    assert [i["article"]["id"] for i in client.get(url).json()["results"]] == [
        a.pk for a in made[1:]
    ]


def test_matches_page_costs_a_fixed_number_of_queries(reader, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(reader)
    search_ = saved(reader, "wind")
    for n in range(3):
        ArticleFactory(title=f"Wind {n}", tags=[f"T{n}"], authors=[f"A{n}"])
    work()
    url = f"{SAVED}{search_.pk}/matches/"
    # The statement timeout, the throttle, the user's permissions (two), the saved search,
    # the matches, its owner's permissions (two), which articles they see, the rows.
    with django_assert_max_num_queries(10):
        assert len(client.get(url).json()["results"]) == 3
    for n in range(10):
        ArticleFactory(title=f"More wind {n}", tags=[f"U{n}"], authors=[f"B{n}"])
    work()
    with django_assert_max_num_queries(10):
        assert len(client.get(url).json()["results"]) == 13


def test_matches_are_sent_to_the_webhook(reader, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    receiver = Receiver().start()
    try:
        secret = events.new_secret()
        receiver.secrets.append(secret)
        hook = events.models.WebhookEndpoint.objects.create(
            owner=reader, url=receiver.url, events=["tag.created"], secret=secret
        )
        search_ = monitoring.saved_search_create(
            owner=reader, name="Volcano", q="volcano", webhook=hook
        )
        article = ArticleFactory(title="The volcano wakes")
        work()
        matches = [d for d in receiver.received if d["body"]["type"] == monitoring.MATCHED]
        assert len(matches) == 1
        assert matches[0]["id"] == f"msg_match_{search_.matches.get().pk}"
        data = matches[0]["body"]["data"]
        assert data["saved_search"] == {"id": search_.pk, "name": "Volcano"}
        assert data["article"]["id"] == article.pk and data["article"]["title"] == article.title
    finally:
        receiver.stop()


def test_the_same_answers_as_the_list(reader, editor):
    """Every saved search's matches are the list's answer (for its owner) restricted to the
    articles percolated."""
    words = ["river", "rivers", "bridge", "city", "council", "flood", "storm", "night"]
    queries = [
        *words, "river bridge", '"city council"', "flood OR storm", "river -bridge",
        "storms", "councl", "-night", "the", '"the river"', "bridge OR -city",
    ]  # fmt: skip
    owners = [reader, editor]
    searches = [
        saved(owner, q, **filters)
        for owner, q, filters in itertools.product(
            owners, queries, [{}, {"tag": ["wet"]}, {"status": "draft"}]
        )
    ]
    made = []
    for n, (a, b, c) in enumerate(itertools.combinations(words, 3)):
        if n % 3 == 0:
            made.append(
                ArticleFactory(
                    title=f"{a} and {b}", body=f"The {c} at night, {a}.",
                    tags=["Wet"] if n % 2 else [],
                    status=Article.Status.DRAFT if n % 7 == 0 else Article.Status.PUBLISHED,
                )
            )  # fmt: skip
    work()
    ids = [a.pk for a in made]
    for search_ in searches:
        params = monitoring.search_params(
            search_.q, search_.filters, editor=search_.owner == editor
        )
        listed = search.search_articles(params, offset=0, limit=1000).ids
        expected = sorted(pk for pk in listed if pk in ids)
        assert sorted(matched(search_)) == expected, (search_.q, search_.filters)
    assert SavedSearchMatch.objects.count() > 50
