"""Near-duplicates (SPEC: Monitoring): syndicated copies of one story form a group through
every door that writes; each article says its group's earliest (``duplicate_of``) and how many
others (``duplicates_count``), as its reader may see them; ``/duplicates/`` lists them;
``collapse=duplicates`` shows and counts one per group on the list, search, facets and feeds;
``rebuild_duplicates`` groups an archive stored without it."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import ingest, services
from articles.models import Article, Fingerprint
from tests.factories import ArticleFactory
from tests.monitoring.stories import copy_of, story
from tests.test_admin_editing import article_form

ARTICLES = "/api/v1/articles/"
WIRE = story(1)
NOW = timezone.now().replace(microsecond=0)


def hours_ago(hours: float) -> datetime.datetime:
    return NOW - datetime.timedelta(hours=hours)


def write(title: str, body: str, *, hours: float = 1, **fields) -> Article:
    return ArticleFactory(title=title, body=body, published_at=hours_ago(hours), **fields)


def syndicated() -> list[Article]:
    """The wire story as four outlets ran it, the first earliest."""
    return [
        write("Alpine glaciers melt at a record pace", copy_of(WIRE, outlet="Wire"), hours=5),
        write("Glaciers lose a tenth of their ice", copy_of(WIRE, outlet="Daily Planet", drop=2),
              hours=4),
        write("Record melt in the Alps", copy_of(WIRE, outlet="The Courier",
              add=story(50)[0]), hours=3),
        write("Scientists alarmed by glacier loss", copy_of(WIRE, outlet="Gazette", trim=1),
              hours=2),
    ]  # fmt: skip


def group_of(article: Article) -> int | None:
    return Fingerprint.objects.filter(article=article).values_list("group_id", flat=True).first()


def detail(client, article: Article) -> dict:
    response = client.get(f"{ARTICLES}{article.pk}/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_syndicated_copies_form_one_group_led_by_the_earliest(api_client):
    first, *copies = syndicated()
    assert {group_of(article) for article in [first, *copies]} == {first.pk}
    assert detail(api_client, first)["duplicate_of"] is None
    assert detail(api_client, first)["duplicates_count"] == 3
    for copy in copies:
        data = detail(api_client, copy)
        assert (data["duplicate_of"], data["duplicates_count"]) == (first.pk, 3)
    listed = {row["id"]: row for row in api_client.get(ARTICLES).json()["results"]}
    assert listed[copies[0].pk]["duplicate_of"] == first.pk
    assert listed[first.pk]["duplicates_count"] == 3


@pytest.mark.django_db
def test_different_stories_on_the_same_topic_are_not_grouped(api_client):
    bodies = [copy_of(story(seed), outlet="Wire") for seed in (10, 11, 12)]
    bodies.append(copy_of(story(13, topic="elections"), outlet="Wire"))
    # The same official statement quoted word for word in two of them.
    statement = (
        "The minister said the glaciers of the alps had lost more ice this summer "
        "than in any summer since records began and that nothing could stop it."
    )
    bodies[0] = bodies[0].replace("</p>", f" {statement}</p>", 2)
    bodies[1] = bodies[1].replace("</p>", f" {statement}</p>", 2)
    articles = [write(f"Story {n}", body) for n, body in enumerate(bodies)]
    assert all(group_of(article) is None for article in articles)
    assert all(detail(api_client, a)["duplicates_count"] == 0 for a in articles)


@pytest.mark.django_db
def test_short_bodies_are_nobodys_copy():
    one, two = write("One", "Text."), write("Two", "Text.")
    assert not Fingerprint.objects.filter(article__in=[one, two]).exists()


@pytest.mark.django_db
def test_an_edit_moves_an_article_out_of_its_group_and_back(editor_client):
    first, second, *_ = syndicated()
    other = copy_of(story(99), outlet="Wire")
    response = editor_client.patch(f"{ARTICLES}{second.pk}/", {"body": other}, format="json")
    assert response.status_code == 200
    assert response.json()["duplicate_of"] is None
    assert response.json()["duplicates_count"] == 0
    assert group_of(second) is None
    assert detail(editor_client, first)["duplicates_count"] == 2
    back = copy_of(WIRE, outlet="Back")
    response = editor_client.put(
        f"{ARTICLES}{second.pk}/",
        {"title": "Back", "body": back, "language": "en", "status": "published",
         "published_at": second.published_at.isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == first.pk
    assert detail(editor_client, first)["duplicates_count"] == 3


@pytest.mark.django_db
def test_deleting_a_member_regroups_the_others(api_client):
    first, *copies = syndicated()
    twin = write("Twin", copy_of(WIRE, outlet="Twin"), hours=1)  # the whole wire story
    services.article_delete(first)
    # The copies (each 0.75 to 0.78 from the others) are still linked through the twin.
    assert {group_of(article) for article in [*copies, twin]} == {copies[0].pk}
    assert detail(api_client, copies[1])["duplicate_of"] == copies[0].pk
    services.article_delete(twin)
    assert all(group_of(copy) is None for copy in copies)  # nothing links them now


@pytest.mark.django_db
def test_a_bridge_joins_two_groups_and_deleting_it_splits_them():
    """A and B share 10 of 14 paragraphs (0.71): not copies; C shares 11 of 13 with each."""
    long_story = story(7, paragraphs=14)
    a = write("A", copy_of(long_story[:12], outlet="A"), hours=3)
    b = write("B", copy_of(long_story[2:], outlet="B"), hours=2)
    assert group_of(a) is None and group_of(b) is None
    c = write("C", copy_of(long_story[1:13], outlet="C"), hours=1)
    assert group_of(a) == group_of(b) == group_of(c) == a.pk
    services.article_delete(c)
    assert group_of(a) is None and group_of(b) is None


# --- every door -------------------------------------------------------------------------------


def _assert_grouped(first: Article, copy_id: int) -> None:
    assert group_of(Article.objects.get(pk=copy_id)) == first.pk


@pytest.mark.django_db
def test_the_api_create_groups(editor_client):
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    response = editor_client.post(
        ARTICLES, {"title": "Copy", "body": copy_of(WIRE, outlet="API", drop=1),
                   "language": "en", "status": "published"}, format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["duplicate_of"] == first.pk
    _assert_grouped(first, response.json()["id"])


@pytest.mark.django_db
def test_the_bulk_endpoint_groups_within_the_batch_and_with_the_archive(editor_client):
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    items = [
        {"title": f"Bulk {n}", "body": copy_of(WIRE, outlet=f"Outlet {n}", drop=n),
         "language": "en", "status": "published", "url": f"https://example.org/bulk/{n}"}
        for n in range(3)
    ] + [{"title": "Other", "body": copy_of(story(5), outlet="Wire"), "language": "en",
          "status": "published", "url": "https://example.org/bulk/other"}]  # fmt: skip
    response = editor_client.post(f"{ARTICLES}bulk/", {"articles": items}, format="json")
    assert response.status_code == 200
    ids = [result["id"] for result in response.json()["results"]]
    for copy_id in ids[:3]:
        _assert_grouped(first, copy_id)
    assert group_of(Article.objects.get(pk=ids[3])) is None
    # Re-importing one with another story's body takes it out.
    items[0]["body"] = copy_of(story(6), outlet="Wire")
    editor_client.post(f"{ARTICLES}bulk/", {"articles": items[:1]}, format="json")
    assert group_of(Article.objects.get(pk=ids[0])) is None


@pytest.mark.django_db
def test_the_bulk_endpoint_groups_copies_that_arrive_together(editor_client):
    bodies = [copy_of(WIRE, outlet="O0"), copy_of(WIRE, outlet="O1", drop=1),
              copy_of(WIRE, outlet="O2", add=story(51)[0])]  # fmt: skip
    items = [
        {"title": f"Together {n}", "body": body, "language": "en", "status": "published",
         "url": f"https://example.org/t/{n}"}
        for n, body in enumerate(bodies)
    ]  # fmt: skip
    response = editor_client.post(f"{ARTICLES}bulk/", items, format="json")
    ids = [result["id"] for result in response.json()["results"]]
    assert {group_of(Article.objects.get(pk=pk)) for pk in ids} == {min(ids)}


@pytest.mark.django_db
def test_the_import_command_groups(tmp_path):
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    path = tmp_path / "copies.ndjson"
    path.write_text(
        "\n".join(
            json.dumps({"title": f"Imported {n}", "body": copy_of(WIRE, outlet=f"I{n}", drop=n),
                        "language": "en", "status": "published",
                        "url": f"https://example.org/import/{n}"})
            for n in range(2)
        )
    )  # fmt: skip
    call_command("import_articles", str(path), "--no-progress", "--workers", "1",
                 stdout=io.StringIO())  # fmt: skip
    for article in Article.objects.filter(url__startswith="https://example.org/import/"):
        _assert_grouped(first, article.pk)


@pytest.mark.django_db
def test_the_import_path_in_one_batch_groups():
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    entries = [
        ingest.Entry(f"line {n}", {"title": f"E{n}", "body": copy_of(WIRE, outlet=f"E{n}"),
                                   "language": "en", "url": f"https://example.org/e/{n}"})
        for n in range(2)
    ]  # fmt: skip
    report = ingest.import_entries(entries, workers=1)
    assert report.created == 2
    for article in Article.objects.filter(url__startswith="https://example.org/e/"):
        _assert_grouped(first, article.pk)


@pytest.mark.django_db
def test_extract_with_save_groups(editor_client):
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    paragraphs = "".join(f"<p>{p}</p>" for p in WIRE)
    page = (
        "<html><head><title>Glaciers melt</title></head><body><article><h1>Glaciers melt</h1>"
        f"{paragraphs}</article></body></html>"
    )
    response = editor_client.post(
        f"{ARTICLES}extract/?save=true",
        {"content": page, "url": "https://example.org/page", "language": "en"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["duplicate_of"] == first.pk
    _assert_grouped(first, response.json()["id"])


@pytest.mark.django_db
def test_the_admin_groups(admin_client_logged_in):
    first = write("First", copy_of(WIRE, outlet="Wire"), hours=5)
    body = copy_of(WIRE, outlet="Admin", drop=3)
    response = admin_client_logged_in.post(
        "/admin/articles/article/add/", article_form(title="Admin copy", body=body)
    )
    assert response.status_code == 302
    _assert_grouped(first, Article.objects.get(title="Admin copy").pk)


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_duplicates_endpoint_lists_the_group_earliest_first(api_client):
    first, *copies = syndicated()
    response = api_client.get(f"{ARTICLES}{copies[1].pk}/duplicates/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert [row["id"] for row in data["results"]] == [first.pk, copies[0].pk, copies[2].pk]
    assert data["results"][1]["duplicate_of"] == first.pk
    alone = write("Alone", copy_of(story(77), outlet="Wire"))
    assert api_client.get(f"{ARTICLES}{alone.pk}/duplicates/").json()["count"] == 0
    paged = api_client.get(f"{ARTICLES}{first.pk}/duplicates/", {"page_size": 2}).json()
    assert len(paged["results"]) == 2 and paged["next"]


@pytest.mark.django_db
def test_duplicates_endpoint_404s_and_refuses_unknown_parameters(api_client):
    assert api_client.get(f"{ARTICLES}999999/duplicates/").status_code == 404
    first, *_ = syndicated()
    assert api_client.get(f"{ARTICLES}{first.pk}/duplicates/", {"q": "x"}).status_code == 400


@pytest.mark.django_db
def test_readers_never_see_drafts_scheduled_or_expired_members(api_client, editor_client):
    draft = ArticleFactory(title="Draft copy", body=copy_of(WIRE, outlet="Draft"),
                           status="draft", published_at=None)  # fmt: skip
    scheduled = ArticleFactory(title="Scheduled copy", body=copy_of(WIRE, outlet="Later"),
                               published_at=NOW + datetime.timedelta(days=1))  # fmt: skip
    expired = write("Expired copy", copy_of(WIRE, outlet="Gone"), hours=8,
                    expires_at=NOW - datetime.timedelta(hours=1))  # fmt: skip
    first, *copies = syndicated()
    hidden = {draft.pk, scheduled.pk, expired.pk}
    listed = api_client.get(f"{ARTICLES}{copies[0].pk}/duplicates/").json()["results"]
    assert hidden.isdisjoint(row["id"] for row in listed)
    assert detail(api_client, copies[0])["duplicate_of"] == first.pk  # earliest live
    assert detail(api_client, copies[0])["duplicates_count"] == 3
    assert detail(api_client, first)["duplicate_of"] is None
    # Editors see the whole group: the expired one is its earliest (the draft is undated).
    as_editor = detail(editor_client, copies[0])
    assert as_editor["duplicate_of"] == expired.pk
    assert as_editor["duplicates_count"] == 6
    editor_ids = {row["id"] for row in editor_client.get(
        f"{ARTICLES}{copies[0].pk}/duplicates/").json()["results"]}  # fmt: skip
    assert hidden <= editor_ids
    assert api_client.get(f"{ARTICLES}{draft.pk}/duplicates/").status_code == 404
    # A collapsed list shows readers the earliest they may see.
    collapsed = api_client.get(ARTICLES, {"collapse": "duplicates"}).json()
    assert [row["id"] for row in collapsed["results"]] == [first.pk]


@pytest.mark.django_db
def test_duplicates_endpoint_query_count_is_pinned(api_client):
    first, *_ = syndicated()
    for n in range(4):
        write(f"More {n}", copy_of(WIRE, outlet=f"More {n}", drop=n))
    api_client.get(f"{ARTICLES}{first.pk}/duplicates/")  # warm: the index is built
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"{ARTICLES}{first.pk}/duplicates/")
    assert response.json()["count"] == 7
    # The throttle's count, the article, the count, the page's ids, the page's rows (with
    # their groups): the same for any size of group.
    assert len(queries) == 5, [q["sql"] for q in queries]


# --- collapse -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_collapse_shows_and_counts_one_per_group_on_list_search_facets_and_feeds(api_client):
    first, *copies = syndicated()
    others = [write(f"Other {n}", copy_of(story(200 + n), outlet="Wire"), hours=0.5,
                    tags=["Glaciers"]) for n in range(2)]  # fmt: skip
    plain = api_client.get(ARTICLES).json()
    assert plain["count"] == 6
    collapsed = api_client.get(ARTICLES, {"collapse": "duplicates"}).json()
    assert collapsed["count"] == 3
    assert {row["id"] for row in collapsed["results"]} == {first.pk, *(o.pk for o in others)}
    # Search: the earliest of the group's that match.
    headline = api_client.get(ARTICLES, {"q": "alarmed", "collapse": "duplicates"}).json()
    assert [row["id"] for row in headline["results"]] == [copies[2].pk]
    words = next(w for w in WIRE[0].split() if len(w) >= 6 and w.isalpha())
    searched = api_client.get(ARTICLES, {"q": words, "collapse": "duplicates"}).json()
    assert first.pk in {row["id"] for row in searched["results"]}
    assert not {c.pk for c in copies} & {row["id"] for row in searched["results"]}
    facets = api_client.get(f"{ARTICLES}facets/", {"collapse": "duplicates"}).json()
    assert facets["total"] == 3
    assert api_client.get(f"{ARTICLES}facets/").json()["total"] == 6
    feed = api_client.get("/feeds/articles.json", {"collapse": "duplicates"}).json()
    assert len(feed["items"]) == 3
    assert len(api_client.get("/feeds/articles.json").json()["items"]) == 6
    rss = api_client.get("/feeds/articles.rss", {"collapse": "duplicates"})
    assert rss.status_code == 200


@pytest.mark.django_db
def test_collapse_pages_cover_every_group_once(api_client):
    groups = [syndicated_of(seed) for seed in range(300, 306)]
    seen = []
    page = 1
    while True:
        data = api_client.get(ARTICLES, {"collapse": "duplicates", "page_size": 4,
                                         "page": page}).json()  # fmt: skip
        seen += [row["id"] for row in data["results"]]
        if not data["next"]:
            break
        page += 1
    assert data["count"] == len(groups)
    assert sorted(seen) == sorted(group[0].pk for group in groups)


def syndicated_of(seed: int) -> list[Article]:
    wire = story(seed)
    bodies = [copy_of(wire, outlet="O0"), copy_of(wire, outlet="O1", drop=1),
              copy_of(wire, outlet="O2", trim=1)]  # fmt: skip
    return [write(f"S{seed} {n}", body, hours=10 - n) for n, body in enumerate(bodies)]


@pytest.mark.django_db
def test_a_bad_collapse_is_a_400(api_client):
    for path in (ARTICLES, f"{ARTICLES}facets/", "/feeds/articles.json"):
        response = api_client.get(path, {"collapse": "everything"})
        assert response.status_code == 400, path
        assert "collapse" in response.json()


# --- rebuild ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rebuild_groups_an_archive_stored_without_it(settings, api_client):
    settings.DUPLICATES_ENABLED = False
    first, *copies = syndicated()
    alone = write("Alone", copy_of(story(8), outlet="Wire"))
    assert not Fingerprint.objects.exists()
    assert api_client.get(ARTICLES, {"collapse": "duplicates"}).json()["count"] == 5
    settings.DUPLICATES_ENABLED = True
    out = io.StringIO()
    call_command("rebuild_duplicates", stdout=out)
    assert "5 article(s) fingerprinted, 4 in groups" in out.getvalue()
    assert {group_of(article) for article in [first, *copies]} == {first.pk}
    assert group_of(alone) is None
    # The index learnt the groups (the rebuild logged the articles whose group changed).
    assert api_client.get(ARTICLES, {"collapse": "duplicates"}).json()["count"] == 2
    call_command("rebuild_duplicates", stdout=io.StringIO())  # again: the same groups
    assert {group_of(article) for article in [first, *copies]} == {first.pk}


def test_signatures_are_datasketchs_minhash_of_the_shingles():
    """The batched computation gives what datasketch's own ``update_batch`` gives."""
    from datasketch import MinHash

    from articles.duplicates import _signatures as sig

    bodies = [copy_of(story(seed), outlet="Wire") for seed in range(12)] + ["Too short."]
    computed = sig.signatures(bodies)
    assert computed[-1] is None
    for body, values in zip(bodies[:-1], computed[:-1], strict=True):
        minhash = MinHash(num_perm=sig.NUM_PERM, seed=sig.SEED, scheme=sig.SCHEME, hashfunc=int)
        minhash.update_batch(sig.shingles(sig.story_text(body)).tolist())
        assert (minhash.hashvalues == values).all()
        assert (sig.signature(body) == values).all()
    assert sig.minhash(computed[0]).jaccard(sig.minhash(computed[0])) == 1.0


def test_story_text_leaves_out_bylines_and_boilerplate():
    from articles.duplicates import story_words

    paragraphs = story(3)[:3]
    words = story_words(copy_of(paragraphs, outlet="Daily Planet"))
    assert words[:3] == paragraphs[0].casefold().replace(".", "").split()[:3]
    assert "copyright" not in words and "staff" not in words
