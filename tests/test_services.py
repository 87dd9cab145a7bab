"""The write path: all or nothing, race-safe, and every change reaches the search index."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from articles import services
from articles.models import Article, Author, Quotation, QuotedSource, Tag
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db


def test_create_stores_article_with_ordered_authors_tags_and_quotes():
    article = services.article_create(
        title="Des soldats nord-coréens à Koursk",
        body="Le texte.",
        language="fr",
        section="International",
        authors=["Zoé Arnaud", "Bruno Abel"],
        tags=["Corée du Nord", "Russie", "corée du nord"],
        quotes=[{"source": "Oleksandr Syrsky", "text": "Une citation.", "kind": "person"}],
    )
    assert article.slug == "des-soldats-nord-coreens-a-koursk"
    assert [b.author.name for b in article.bylines.order_by("position")] == [
        "Zoé Arnaud",
        "Bruno Abel",
    ]
    assert sorted(article.tags.values_list("slug", flat=True)) == ["coree-du-nord", "russie"]
    quote = article.quotes.get()
    assert (quote.source.name, quote.source.kind, quote.text) == (
        "Oleksandr Syrsky",
        "person",
        "Une citation.",
    )


def test_names_are_matched_by_slug_whatever_the_case_and_accents():
    ArticleFactory(tags=["Corée du Nord"], authors=["Élodie Martin"])
    ArticleFactory(tags=["COREE du nord"], authors=["elodie martin"])
    assert Tag.objects.get().name == "Corée du Nord"
    assert Author.objects.get().name == "Élodie Martin"


def test_every_part_of_an_article_is_searchable_in_its_language():
    article = ArticleFactory(
        title="Glaciers retreat",
        standfirst="Summers melt",
        body="Rivers running dry",
        language="en",
        tags=["Switzerland"],
        authors=["Ann Writer"],
        quotes=[{"source": "Matthias Huss", "text": "Losing ice"}],
    )
    for q in ("glacier", "melting", "switzerland", "river", "writer", "huss", "lose"):
        assert indexed(q) == {article.pk}, q


def test_html_body_is_sanitised_and_its_markup_is_not_indexed():
    article = ArticleFactory(
        body='<p onclick="x()">Bonjour <script>alert(1)</script><b>monde</b></p>'
    )
    assert "script" not in article.body and "onclick" not in article.body
    assert "<b>monde</b>" in article.body
    assert indexed("monde") == {article.pk}
    for markup in ("alert", "script", "onclick", "p"):
        assert indexed(markup) == set(), markup


def test_update_reaches_the_index():
    article = ArticleFactory(title="Original headline", tags=["Alpha"])
    assert indexed("original") == {article.pk}
    services.article_update(article, title="Volcanic eruption", tags=["Iceland"])
    assert indexed("volcanic") == indexed("iceland") == {article.pk}
    assert indexed("original") == indexed("alpha") == set()


def test_renaming_a_tag_author_or_source_reindexes_articles_and_touches_updated_at():
    article = ArticleFactory(
        tags=["Alpha"], authors=["Old Name"], quotes=[{"source": "Acme Corp", "text": "Hi"}]
    )
    assert indexed("alpha") == {article.pk}
    before = Article.objects.get(pk=article.pk).updated_at
    services.named_update(Tag.objects.get(slug="alpha"), name="Omega")
    services.named_update(Author.objects.get(slug="old-name"), name="Fresh Writer")
    services.named_update(QuotedSource.objects.get(slug="acme-corp"), name="Globex")
    for q in ("omega", "fresh", "globex"):
        assert indexed(q) == {article.pk}, q
    for q in ("alpha", "old", "acme"):
        assert indexed(q) == set(), q
    assert indexed("", tags=("omega",)) == {article.pk}
    assert indexed("", tags=("alpha",)) == set()
    assert Tag.objects.get(name="Omega").slug == "omega"
    assert Article.objects.get(pk=article.pk).updated_at > before


def test_renaming_onto_an_existing_name_is_refused():
    Tag.objects.create(name="Alpha", slug="alpha")
    beta = Tag.objects.create(name="Beta", slug="beta")
    with pytest.raises(ValidationError):
        services.named_update(beta, name="ALPHA")


def test_deleting_a_tag_reindexes_its_articles():
    article = ArticleFactory(tags=["Ephemeral"])
    assert indexed("ephemeral") == {article.pk}
    services.named_delete(Tag.objects.get(slug="ephemeral"))
    assert indexed("ephemeral") == set()


def test_deleting_an_article_removes_it_and_its_quotes_from_the_index():
    article = ArticleFactory(title="Doomed story", quotes=[{"source": "Acme", "text": "Gone"}])
    assert indexed("doomed") == {article.pk}
    services.article_delete(article)
    assert indexed("doomed") == set()


def test_status_changes_reach_the_index():
    from articles import search

    draft = ArticleFactory(title="Embargoed story", status="draft", published_at=None)
    reader = search.ArticleSearch(q="embargoed")
    assert search.search_articles(reader, offset=0, limit=10).ids == []
    services.articles_set_status(Article.objects.filter(pk=draft.pk), "published")
    assert search.search_articles(reader, offset=0, limit=10).ids == [draft.pk]


def test_a_quoted_source_cannot_be_deleted_while_quoted():
    ArticleFactory(quotes=[{"source": "Acme Corp", "text": "Hi"}])
    with pytest.raises(ValidationError):
        services.named_delete(QuotedSource.objects.get())
    assert Quotation.objects.count() == 1


def test_a_failing_quote_leaves_nothing_behind():
    with pytest.raises(ValidationError) as error:
        services.article_create(
            title="Half written",
            body="b",
            language="en",
            tags=["Brand new tag"],
            authors=["Brand New Author"],
            quotes=[
                {"source": "Someone", "text": "fine"},
                {"source": "Someone else", "text": "  "},
            ],
        )
    assert "quotes" in error.value.message_dict
    assert not Article.objects.exists()
    assert not Tag.objects.exists() and not Author.objects.exists()
    assert not QuotedSource.objects.exists()


def test_a_failing_update_keeps_the_article_as_it_was():
    article = ArticleFactory(title="Kept", tags=["Kept tag"])
    with pytest.raises(ValidationError):
        services.article_update(article, title="Changed", tags=["New tag"], language="french")
    article.refresh_from_db()
    assert article.title == "Kept"
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kept tag"]


def test_unusable_names_are_rejected():
    with pytest.raises(ValidationError) as error:
        ArticleFactory(tags=["!!!"])
    assert "tags" in error.value.message_dict


def test_titles_that_slugify_alike_get_distinct_slugs():
    first = ArticleFactory(title="Élections régionales")
    second = ArticleFactory(title="Elections regionales")
    assert first.slug == "elections-regionales"
    assert second.slug == "elections-regionales-2"


def test_import_by_url_updates_instead_of_duplicating():
    fields = dict(title="First", body="b", language="en", tags=["One"])
    article, created = services.article_import(url="https://example.com/a", **fields)
    again, created_again = services.article_import(
        url="https://example.com/a", **{**fields, "title": "Second"}
    )
    assert (created, created_again) == (True, False)
    assert again.pk == article.pk and again.title == "Second"
    assert Article.objects.count() == 1


def test_publishing_dates_undated_articles():
    article = ArticleFactory(status="draft", published_at=None)
    services.articles_set_status(Article.objects.filter(pk=article.pk), "published")
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_the_same_new_tag_make_one_tag():
    writers = 6
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.article_create(
                title=f"Concurrent {number}",
                body="b",
                language="fr",
                tags=["Corée du Nord" if number % 2 else "coree du nord"],
                authors=["Même Auteur"],
                quotes=[{"source": "Même Source", "text": "t"}],
            )
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Article.objects.count() == writers
    assert Tag.objects.count() == 1 and Author.objects.count() == 1
    assert QuotedSource.objects.count() == 1
    assert Tag.objects.get().articles.count() == writers
