"""A large archive's rebuild builds its documents in other processes (``_building``): the index
it makes holds exactly what an in-process rebuild's holds. These tests commit for real (the
builders read the archive through connections of their own)."""

from __future__ import annotations

import datetime

import pytest
import tantivy
from django.db import connection
from django.utils import timezone

from articles import search
from articles.search import _building, _storage, _writing
from articles.search._documents import (
    FieldValues,
    article_documents,
    named_documents,
    read_articles,
)
from articles.search._schema import Kind, term
from tests.factories import ArticleFactory, indexed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive():
    """Articles in several languages (stemmed, unstemmed), with tags, authors, quotations
    (an anonymous source), sections, a draft, accents and characters JSON escapes."""
    now = timezone.now().replace(microsecond=0)
    for n in range(14):
        ArticleFactory(
            title=f"Élection numéro {n} à Zürich — \u201cquoted\u201d \\ path",
            standfirst="Line one\nline two\t\u2028after a line separator" if n % 3 else "",
            body=f"<p>Les électeurs ont voté {n} fois.</p><p>Second <b>paragraph</b> 😀</p>",
            language=("fr", "en", "de", "xx")[n % 4],
            section=("World", "Économie", "")[n % 3],
            status="draft" if n == 5 else "published",
            published_at=None if n == 5 else now - datetime.timedelta(days=n),
            tags=[f"Tag {n % 4}", "Politique"],
            authors=[f"Auteur {n % 3}"] if n % 2 else [],
            quotes=[
                {"source": f"Source {n % 5}", "text": f"Nous gagnerons {n}."},
                {"source": "un officiel", "kind": "anonymous", "text": "Rien à dire."},
            ][: n % 3],
        )


def built(monkeypatch, settings, processes: int) -> tantivy.Index:
    """A fresh index of the archive, its documents built by ``processes`` other processes
    (0: in this one), as a large archive's rebuild builds them."""
    monkeypatch.setattr(_writing, "large_archive", lambda: True)  # tests rebuild tiny ones
    monkeypatch.setattr(_writing, "REBUILD_BATCH", 3)  # several batches per builder
    settings.SEARCH_REBUILD_PROCESSES = processes
    calls = []
    monkeypatch.setattr(_writing, "built_batches", lambda *a: calls.append(a) or
                        _building.built_batches(*a))  # fmt: skip
    _, index = _storage.MemoryStorage().create()
    counted = []
    assert _writing.write_archive(index, counted.append) == 14
    assert sum(counted) == 14
    assert len(calls) == (1 if processes else 0)  # which path built them
    index.reload()
    return index


def contents(index: tantivy.Index) -> dict:
    """Everything the index holds, by (kind, id): stored fields, fast fields, and for every
    term of every field the documents holding it with their scores (frequencies, norms)."""
    searcher = index.searcher()
    keys = {}
    for kind in (Kind.ARTICLE, Kind.QUOTE, *Kind.NAMED):
        hits = searcher.search(term("kind", kind), limit=searcher.num_docs).hits
        addresses = [address for _, address in hits]
        for address, doc_id in zip(
            addresses, searcher.fast_field_values("id", addresses), strict=True
        ):
            keys[(address.segment_ord, address.doc)] = (kind, doc_id)
    addresses = [tantivy.DocAddress(*at) for at in keys]
    found: dict[str, object] = {
        "stored": {keys[at]: searcher.doc(tantivy.DocAddress(*at)).to_dict() for at in keys}
    }
    rows = read_articles(next(_writing._article_id_batches(1000)))
    values: dict[str, set] = {}
    for row in rows:
        for doc in article_documents(row, document=FieldValues):
            for field, each in doc.items():
                values.setdefault(field, set()).update(each)
    for kind in Kind.NAMED:
        for doc in named_documents(kind):
            for field, each in doc.to_dict().items():
                values.setdefault(field, set()).update(each)
    for field, seen in sorted(values.items()):
        try:
            terms = [value for value, _ in searcher.terms_with_prefix(field, "")]
        except ValueError:  # not a text field: its values as written
            terms = sorted(seen)
            try:
                found[f"fast {field}"] = dict(
                    zip(
                        [keys[(a.segment_ord, a.doc)] for a in addresses],
                        searcher.fast_field_values(field, addresses),
                        strict=True,
                    )
                )
                # Every value of multi-valued ones (the above reads each document's first).
                counts = {"values": {"terms": {"field": field, "size": 10_000}}}
                found[f"counts {field}"] = searcher.aggregate(tantivy.Query.all_query(), counts)
            except ValueError:
                pass  # indexed only
        for value in terms:
            try:
                hits = searcher.search(term(field, value), limit=searcher.num_docs).hits
            except ValueError:
                continue  # a fast field only
            found[f"{field}:{value}"] = {
                keys[(a.segment_ord, a.doc)]: round(score, 5) for score, a in hits
            }
    for phrase in ('"les électeurs"', '"second paragraph"', '"line two"', '"élection numéro"'):
        query = index.parse_query(phrase, [f for f in values if "__" in f])
        hits = searcher.search(query, limit=searcher.num_docs).hits
        found[phrase] = {keys[(a.segment_ord, a.doc)]: round(score, 5) for score, a in hits}
    return found


def test_documents_built_in_other_processes_are_the_same(archive, monkeypatch, settings):
    in_process = contents(built(monkeypatch, settings, 0))
    assert len(in_process["stored"]) > 14 + 10  # articles, quotations, names
    assert in_process['"les électeurs"']  # the phrases match something
    assert in_process == contents(built(monkeypatch, settings, 1))
    assert in_process == contents(built(monkeypatch, settings, 2))


def test_a_rebuild_with_builders_serves_searches_and_leaves_none_running(
    archive, monkeypatch, settings
):
    import multiprocessing

    monkeypatch.setattr(_writing, "large_archive", lambda: True)
    settings.SEARCH_REBUILD_PROCESSES = 2
    assert search.engine().rebuild() == 14
    assert len(indexed("électeurs")) == 14  # the draft too (editors)
    assert multiprocessing.active_children() == []
    with connection.cursor() as cursor:  # this process's connection still works
        cursor.execute("SELECT 1")


def test_a_builder_that_fails_fails_the_rebuild(archive, monkeypatch, settings):
    def broken(ids):
        raise ValueError("cannot read these")

    monkeypatch.setattr(_building, "read_articles", broken)
    monkeypatch.setattr(_writing, "large_archive", lambda: True)
    settings.SEARCH_REBUILD_PROCESSES = 1
    _, index = _storage.MemoryStorage().create()
    with pytest.raises(RuntimeError, match="cannot read these"):
        _writing.write_archive(index, None)
