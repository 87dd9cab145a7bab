"""Facets after writes: counted from a kept base plus the articles changed since, and always
exactly what counting the whole archive afresh gives."""

from __future__ import annotations

import datetime
import itertools
import random
import time

import pytest
from django.utils import timezone

from articles import lifecycle, search, services
from articles.models import Article, Tag
from articles.search import _facets, introspect
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

TAGS = ["Climat", "Glaciers", "Économie", "Élections", "Sport", "Santé", "Alpes", "Océans"]
AUTHORS = ["Élodie Martin", "Priya Natarajan", "Marcus Bell", "Ana Lima", "Zoé Roux"]
SOURCES = ["Matthias Huss", "OMM", "Banque de France", "Greta Thunberg"]
# Spellings of one folded section (the most common one is shown) and others.
SECTIONS = ["Éducation", "education", "EDUCATION", "Sport", "sport", "Monde", ""]
_RENAMES = itertools.count()
WORDS = ["glacier", "fonte", "climat", "élection", "marché", "ocean", "alpes", "vote"]


@pytest.fixture
def full_counts(monkeypatch):
    """Counts every full aggregation (``count_all``) made."""
    calls = []
    real = _facets.count_all

    def counting(searcher, query):
        calls.append(query)
        return real(searcher, query)

    monkeypatch.setattr(_facets, "count_all", counting)
    return calls


def afresh(params: search.ArticleSearch) -> dict:
    """The facets counted over the whole archive, with nothing kept (what was kept is put
    back after)."""
    results, bases = dict(_facets._cache), dict(_facets._bases)
    _facets._cache.clear()
    _facets._bases.clear()
    try:
        reading = search.engine().reading()
        compiled = introspect.article_query(params, reading.searcher)
        if compiled.query is None:
            return search.facets(params)
        return _facets._shown(_facets.count_all(reading.searcher, compiled.query), 20)
    finally:
        _facets._cache.clear()
        _facets._cache.update(results)
        _facets._bases.clear()
        _facets._bases.update(bases)


def incremental(params: search.ArticleSearch) -> dict:
    """The facets as a request after a write gets them: kept results do not serve (the index
    moved), the kept base may."""
    return search.facets(params)


def random_fields(rng: random.Random) -> dict:
    now = timezone.now().replace(microsecond=0)
    status = rng.choice(["published"] * 5 + ["draft", "review", "archived"])
    fields = {
        "title": " ".join(rng.sample(WORDS, 3)),
        "body": " ".join(rng.choices(WORDS, k=8)),
        "language": rng.choice(["en", "fr", "fr"]),
        "section": rng.choice(SECTIONS),
        "status": status,
        # Ten months, a few days ahead (scheduled) and undated drafts.
        "published_at": now - datetime.timedelta(days=rng.randint(-5, 300)),
        "expires_at": None,
        "tags": rng.sample(TAGS, rng.randint(0, 4)),
        "authors": rng.sample(AUTHORS, rng.randint(0, 2)),
        "quotes": [
            {"source": source, "text": "Quoted."}
            for source in rng.sample(SOURCES, rng.randint(0, 2))
        ],
    }
    if status != "published" and rng.random() < 0.5:
        fields["published_at"] = None
    if fields["published_at"] and rng.random() < 0.15:  # expired, or expiring in days
        fields["expires_at"] = fields["published_at"] + datetime.timedelta(days=rng.randint(1, 9))
    return fields


def random_write(rng: random.Random, ids: list[int]) -> str:
    """One write through the services, of a random kind; returns its kind."""
    kind = rng.choice(["create", "update", "update", "status", "delete", "schedule", "rename"])
    if kind == "create" or not ids:
        ids.append(services.article_create(**random_fields(rng)).pk)
        return "create"
    article = Article.objects.get(pk=rng.choice(ids))
    if kind == "update":
        fields = random_fields(rng)
        chosen = rng.sample(sorted(fields), rng.randint(1, 4))
        changes = {name: fields[name] for name in chosen}
        if "status" in changes and changes["status"] == "published":
            changes.setdefault("published_at", fields["published_at"] or timezone.now())
        if changes.get("published_at") is None and (
            changes.get("status", article.status) == "published"
        ):
            changes["published_at"] = timezone.now()
        changes.setdefault("expires_at", None)
        services.article_update(article, **changes)
    elif kind == "status":
        status = rng.choice(["published", "draft", "archived"])
        services.articles_set_status(Article.objects.filter(pk=article.pk), status)
    elif kind == "delete":
        services.article_delete(article)
        ids.remove(article.pk)
    elif kind == "schedule":
        services.article_update(
            article,
            status="published",
            published_at=timezone.now() + datetime.timedelta(days=rng.randint(1, 3)),
            expires_at=None,
        )
    else:  # a tag renamed: every article using it is re-indexed
        tag = Tag.objects.order_by("?").first()
        if tag is not None:
            services.named_update(tag, name=f"{tag.name.split(' (')[0]} ({next(_RENAMES)})")
    return kind


def views() -> list[search.ArticleSearch]:
    return [
        search.ArticleSearch(),
        search.ArticleSearch(editor=True),
        search.ArticleSearch(q="glacier"),
        search.ArticleSearch(q="climat OR vote", editor=True),
        search.ArticleSearch(language="fr", exclude_tags=("sport",)),
        search.ArticleSearch(section="education"),
    ]


@pytest.mark.parametrize("seed, move_after", [(1, 50), (2, 1)])
def test_facets_after_random_writes_are_those_counted_afresh(
    seed, move_after, monkeypatch, full_counts
):
    # 50: each base takes every change since the first count; 1: bases move on as they go.
    introspect.tune(monkeypatch, FACET_MOVE_AFTER=move_after)
    rng = random.Random(seed)
    ids = [services.article_create(**random_fields(rng)).pk for _ in range(25)]
    for params in views():
        incremental(params)  # each view's base
    from_bases = 0
    for step in range(30):
        kind = random_write(rng, ids)
        got = {}
        for params in views():
            del full_counts[:]
            got[params] = incremental(params)
            # The filters alone never count afresh; a text may (a word or a language the
            # index did not have changes what it compiles to).
            assert params.searching or not full_counts, (seed, step, kind, params)
            from_bases += not full_counts
        for params, answer in got.items():
            assert answer == afresh(params), (seed, step, kind, params)

    assert from_bases > 0.9 * 30 * len(views())


def test_one_write_reruns_no_full_aggregation(api_client, editor_client, full_counts):
    for n in range(5):
        ArticleFactory(tags=["Alpha", f"Filler {n}"], authors=["Ana Lima"])
    FACETS = "/api/v1/articles/facets/"
    assert api_client.get(FACETS).json()["total"] == 5
    assert editor_client.get(FACETS).json()["total"] == 5
    assert len(full_counts) == 2  # the reader's base and the editor's
    created = editor_client.post(
        "/api/v1/articles/",
        {"title": "New", "body": "b", "language": "en", "status": "published", "tags": ["Alpha"]},
    ).json()
    data = api_client.get(FACETS).json()
    assert data["total"] == 6
    assert data["tags"][0] == {"slug": "alpha", "name": "Alpha", "count": 6}
    editor_client.patch(f"/api/v1/articles/{created['id']}/", {"status": "draft"})
    assert api_client.get(FACETS).json()["total"] == 5
    assert editor_client.get(FACETS).json()["total"] == 6
    assert len(full_counts) == 2  # no more


def test_a_base_is_counted_afresh_past_the_changes_it_can_take(monkeypatch, full_counts):
    introspect.tune(monkeypatch, FACET_REBASE_AFTER=3)
    ArticleFactory(tags=["Alpha"])
    params = search.ArticleSearch()
    incremental(params)
    del full_counts[:]
    for n in range(3):
        ArticleFactory(tags=[f"Beta {n}"])
        assert incremental(params) == afresh(params)
    assert len(full_counts) == 3  # the comparisons' only: three changes, from the base
    del full_counts[:]
    ArticleFactory(tags=["Delta"])
    data = incremental(params)
    assert len(full_counts) == 1 and data["total"] == 5  # four: counted afresh
    assert data == afresh(params)


def test_a_base_moves_on_with_the_changes_it_took(monkeypatch, full_counts):
    introspect.tune(monkeypatch, FACET_MOVE_AFTER=2)
    ArticleFactory(tags=["Alpha"])
    params = search.ArticleSearch()
    incremental(params)
    (first,) = _facets._bases.values()
    for n in range(2):
        ArticleFactory(tags=[f"Beta {n}"])
        incremental(params)
    assert list(_facets._bases.values()) == [first]  # two changes: it takes them
    ArticleFactory(tags=["Gamma"])
    data = incremental(params)
    (moved,) = _facets._bases.values()
    assert moved.version == search.engine().version and moved.counts.total == 4
    assert len(full_counts) == 1  # moved without counting
    ArticleFactory(tags=["Alpha"])
    assert incremental(params) == afresh(params) and data["total"] == 4


def test_a_base_never_outlives_an_article_going_live_by_itself(full_counts):
    ArticleFactory(tags=["Alpha"])
    soon = timezone.now() + datetime.timedelta(seconds=1.5)
    ArticleFactory(tags=["Scheduled"], published_at=soon)
    params = search.ArticleSearch()
    assert incremental(params)["total"] == 1
    ArticleFactory(tags=["Beta"])
    assert incremental(params)["total"] == 2
    assert len(full_counts) == 1  # from the base
    while timezone.now() < soon:
        time.sleep(0.1)
    ArticleFactory(tags=["Gamma"])
    data = incremental(params)
    assert (
        data["total"] == 4
        and {"slug": "scheduled", "name": "Scheduled", "count": 1} in (data["tags"])
    )
    assert len(full_counts) == 2  # the instant passed: counted afresh
    assert data == afresh(params)


def test_contributors_and_their_own_drafts_after_writes(full_counts):
    writer = lifecycle.Actor("api", user_id=UserFactory(username="writer").pk, may_publish=False)
    mine = services.article_create(
        title="Mine", body="b", language="en", status="draft", tags=["Own"], actor=writer
    )
    ArticleFactory(tags=["Public"])
    params = search.ArticleSearch(owner=writer.user_id)
    assert incremental(params) == afresh(params)
    assert {t["slug"] for t in incremental(params)["tags"]} == {"own", "public"}
    del full_counts[:]
    services.article_update(mine, tags=["Own", "Second"], actor=writer)
    ArticleFactory(tags=["Public"], status="draft", published_at=None)
    got = incremental(params)
    assert not full_counts
    assert got == afresh(params)
    assert {t["slug"]: t["count"] for t in got["tags"]} == {"own": 1, "public": 1, "second": 1}


def test_a_text_that_compiles_otherwise_after_a_write_is_counted_afresh(full_counts):
    for n in range(3):
        ArticleFactory(title=f"Glacier {n}", body="The glacier melts.", tags=["Ice"])
    params = search.ArticleSearch(q="glaciar")
    assert incremental(params)["total"] == 3  # a typo: corrected to the archive's word
    del full_counts[:]
    ArticleFactory(title="Glaciar", body="A word the archive now knows as written.")
    got = incremental(params)
    assert got == afresh(params) and got["total"] == 1


def test_a_base_counted_on_a_later_state_never_serves_an_earlier_searcher():
    """Another thread may read the index after this one and keep its base first."""
    ArticleFactory(tags=["Alpha"])
    params = search.ArticleSearch(editor=True)
    earlier = search.engine().reading()
    ArticleFactory(tags=["Beta"])
    assert search.facets(params)["total"] == 2  # the base, at the later state
    now = timezone.now()
    got = _facets._computed(earlier, params, 20, _facets.NO_SYNONYMS, now, None)
    assert got["total"] == 1 and [t["slug"] for t in got["tags"]] == ["alpha"]


def test_a_text_seen_first_is_counted_for_its_top_values_then_gets_a_base(full_counts):
    for n in range(4):
        ArticleFactory(title=f"Glacier {n}", body="The glacier melts.", tags=["Ice", f"T{n}"])
    params = search.ArticleSearch(q="glacier")
    first = search.facets(params)
    assert first == afresh(params) and first["total"] == 4
    del full_counts[:]
    assert search.facets(params) == first and not full_counts  # the result kept
    ArticleFactory(title="Glacier 4", body="The glacier melts.", tags=["Ice"])
    second = search.facets(params)
    assert len(full_counts) == 1 and second["total"] == 5  # seen again: its base
    ArticleFactory(title="Glacier 5", body="The glacier melts.", tags=["Ice"])
    third = search.facets(params)
    assert len(full_counts) == 1 and third["tags"][0]["count"] == 6  # from the base
    assert third == afresh(params)


@pytest.mark.parametrize(
    "tags, size, counted_top",
    [
        # 3 tags in 3 articles, 10 in one: the top 2 are above every value left out.
        ([["A", "B", "C"]] * 3 + [[f"Single {n}"] for n in range(10)], 2, True),
        # 12 tags in one article each: a value left out ties with the shown ones.
        ([[f"Tied {n:02}"] for n in range(12)], 5, False),
    ],
)
def test_a_top_count_never_leaves_out_a_value_that_ranks(
    monkeypatch, full_counts, tags, size, counted_top
):
    introspect.tune(monkeypatch, FACET_TOP_TERMS=8)
    for names in tags:
        ArticleFactory(title="Glacier", body="The glacier melts.", tags=names)
    params = search.ArticleSearch(q="glacier")
    got = search.facets(params, size=size)
    assert bool(full_counts) is not counted_top
    reading = search.engine().reading()
    query = introspect.article_query(params, reading.searcher).query
    assert got == _facets._shown(_facets._count(reading.searcher, query), size)
