"""Suggestions answer exactly as the straightforward way does: every stage over the whole
archive, one search per name candidate over every article (kept here as the reference;
``_suggest`` reads titles, and widely used names' articles, in the newest months first). A
varied archive: accents, multi-word names and aliases, drafts,
articles in review, scheduled, expired and expiring ones, over two years; readers and editors,
prefixes short and long, typos, several limits and recent-month shares."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
import tantivy
from django.utils import timezone

from articles import search
from articles.kinds import NAMED_KINDS
from articles.search import introspect
from articles.search.introspect import (
    ANALYSERS,
    LABELS,
    MIN_TITLE_PREFIX,
    SCHEMA,
    Kind,
    recent_months,
    suggest_stages,
    term,
    visibility,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Occur = tantivy.Occur


# --- the reference: the stages over the whole archive, one search per candidate name --------


def reference(q: str, *, limit: int = 5, editor: bool = False) -> dict[str, list]:
    words = ANALYSERS.words.analyze(q)
    whole = ANALYSERS.whole.analyze(" ".join(q.split()))
    result: dict[str, list] = {name: [] for name in (*(k.plural for k in NAMED_KINDS), "articles")}
    if not words or not whole:
        return result
    searcher = search.engine().searcher()

    def stages(fields):  # "starts with" as a walk over every whole under the prefix
        _, *others = suggest_stages(fields, words, whole[0])
        return [tantivy.Query.fuzzy_term_query(SCHEMA, fields.whole, whole[0], 0, prefix=True),
                *others]  # fmt: skip

    for kind in NAMED_KINDS:
        fields = LABELS[kind.name]
        keep = None if editor else _used(searcher, kind.name)
        docs = _first(searcher, stages(fields),
                      visibility(kind.name, editor=editor), limit, "title_sort",
                      tantivy.Order.Asc, keep)  # fmt: skip
        result[kind.plural] = [
            {"name": doc.get_first(fields.words), "slug": doc.get_first("slug")}
            for doc in docs.values()
        ]
    if len(" ".join(q.split())) >= MIN_TITLE_PREFIX:
        fields = LABELS[Kind.ARTICLE]
        docs = _first(searcher, stages(fields),
                      visibility(Kind.ARTICLE, editor=editor), limit, "published_desc",
                      tantivy.Order.Desc, None)  # fmt: skip
        result["articles"] = [
            {"id": doc_id, "title": doc.get_first(fields.words),
             "language": doc.get_first("language")}
            for doc_id, doc in docs.items()
        ]  # fmt: skip
    return result


def _used(searcher: tantivy.Searcher, kind: str) -> Callable[[tantivy.Document], bool]:
    live = visibility(Kind.ARTICLE, editor=False)

    def used(doc: tantivy.Document) -> bool:
        naming = (Occur.Must, term(kind, doc.get_first("slug")))
        query = tantivy.Query.boolean_query([*live, naming])
        return bool(searcher.search(query, 1, count=False).hits)

    return used


def _first(searcher, stages, filters, limit, order_field, order, keep) -> dict:
    found: dict[int, tantivy.Document] = {}
    passed: set[int] = set()
    for stage in stages:
        query = tantivy.Query.boolean_query([*filters, (Occur.Must, stage)])
        offset, examined = 0, 0
        while len(found) < limit and examined < limit * 20:
            batch = limit + len(found) + len(passed)
            hits = searcher.search(
                query, batch, count=False, order_by_field=order_field, order=order, offset=offset
            ).hits
            for _, address in hits:
                doc_id = int(searcher.fast_field_values("id", [address])[0])
                if len(found) == limit or doc_id in found or doc_id in passed:
                    continue
                examined += 1
                doc = searcher.doc(address)
                if keep is None or keep(doc):
                    found[doc_id] = doc
                else:
                    passed.add(doc_id)
            if len(hits) < batch:
                break
            offset += batch
        if len(found) >= limit:
            break
    return found


# --- the archive ------------------------------------------------------------------------------

WORDS = ["pour", "pourquoi", "portes", "poursuite", "Pourparlers", "Séoul", "séisme", "glaciers",
         "glacial", "Zürich", "Über", "élections", "port", "Corée", "coral", "décor", "nord",
         "Alpes", "alpine", "Kyiv", "fonte", "l'été", "ÉTÉ", "Œuvres", "Straße", "№5"]  # fmt: skip
TAGS = ["Corée du Nord", "Coral reefs", "Décor", "Glaciers", "Glacial lakes", "Portes ouvertes",
        "Port de Marseille", "Pour la science", "Alpine pass", "Été indien", "Zürich",
        "Seoul"]  # fmt: skip
AUTHORS = ["Élodie Martin", "Éloi Portier", "Martin Pourcel", "Priya Natarajan", "Ana Porto"]
SOURCES = ["Volodymyr Zelensky", "Matthias Huss", "Porte-parole du gouvernement",
           "Pourvoyeur anonyme", "Élise Poursin", "Kyiv city council"]  # fmt: skip


def days(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def archive(editor_client):
    response = editor_client.post(
        "/api/v1/sources/",
        {"name": "Volodymyr Zelensky", "aliases": ["Zelenskyy", "Zelensky"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    for n in range(90):  # one to three a week, for about two years
        title = " ".join(WORDS[(n * k + 3) % len(WORDS)] for k in (1, 3, 7, 11)[: 2 + n % 3])
        ArticleFactory(
            title=title.capitalize() if n % 4 else title,
            language="fr" if n % 2 else "en",
            published_at=days(8 * n + n % 3),
            tags=[TAGS[(n + k) % len(TAGS)] for k in range(n % 3)],
            authors=[AUTHORS[n % len(AUTHORS)]],
            quotes=[{"source": SOURCES[n % len(SOURCES)], "text": "t"}] if n % 3 else [],
        )
    hidden = {
        "draft": {"status": "draft", "published_at": None},
        "review": {"status": "review", "published_at": None},
        "scheduled": {"published_at": days(-3)},
        "expired": {"published_at": days(20), "expires_at": days(1)},
        "expiring": {"published_at": days(2), "expires_at": days(-5)},  # live until then
    }
    for name, fields in hidden.items():
        for n in range(3):
            ArticleFactory(
                title=f"Pour {name} {WORDS[n]} secret {n}",
                tags=[f"Pour {name} tag {n}", TAGS[n]],
                authors=[f"Porter {name} {n}"],
                quotes=[{"source": f"Poursuivant {name} {n}", "text": "t"}],
                **fields,
            )


def queries() -> list[str]:
    texts = [*WORDS, *TAGS, *AUTHORS, *SOURCES, "zelenskyy", "Zelenksy", "pour secret"]
    prefixes = {text[:n] for text in texts for n in (1, 2, 3, 5, 30)}
    typos = ["pourqoi", "glacers", "poursiute", "zelenksy", "corée du nrod", "portse", "elodei"]
    hostile = ["%", "_", "'", "a::b", "!(", "-", "\\", "   ", "l'", "po  ur"]
    return sorted(prefixes | set(typos) | set(hostile))


def test_suggestions_are_the_references(archive, monkeypatch):
    searcher = search.engine().searcher()
    # The newest month, every name looked for there first; then most months, as configured.
    for share, widely_used in ((0.01, 0), (0.3, 2_000)):
        introspect.tune(monkeypatch, SUGGEST_RECENT_SHARE=share, SUGGEST_WIDELY_USED=widely_used)
        assert recent_months(searcher) is not None
        with_titles = 0
        for n, (q, editor) in enumerate(itertools.product(queries(), (False, True))):
            limit = (1, 2, 5, 12)[n // 2 % 4]
            expected = reference(q, limit=limit, editor=editor)
            assert search.suggest(q, limit=limit, editor=editor) == expected, (q, editor, limit)
            with_titles += bool(expected["articles"])
        assert with_titles > 100
    # A common prefix: the newest month holds enough of its titles, the rest is not read.
    introspect.tune(monkeypatch, SUGGEST_RECENT_SHARE=0.01)
    stage = suggest_stages(LABELS[Kind.ARTICLE], ["pour"], "pour")[1]
    clauses = [*visibility(Kind.ARTICLE, editor=False), (Occur.Must, recent_months(searcher))]
    within = tantivy.Query.boolean_query([*clauses, (Occur.Must, stage)])
    assert len(searcher.search(within, 3, count=False).hits) == 3
