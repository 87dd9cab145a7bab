"""As-you-type suggestions from the index: tags, authors, quoted sources and article titles.

A candidate matches when its name (or title) starts with what was typed, or any word of it
does (earlier words whole, the last one as a prefix), any case, any accents; then when the
last word is within ``typo_distance`` of the start of a word of it (the rule of search: 1
edit for 5 to 8 letters, 2 for 9 or more). Matches that start
the name come first, then word matches, then typo matches; names alphabetically, titles
newest first.
"""

from __future__ import annotations

import tantivy

from articles.search._engine import engine
from articles.search._schema import ANALYSERS, SCHEMA, Kind, term
from articles.search._search import visibility
from articles.search._typos import typo_distance

Occur = tantivy.Occur
SUGGEST_LIMIT = 5
MIN_TITLE_PREFIX = 3
_KINDS = {"tags": Kind.TAG, "authors": Kind.AUTHOR, "sources": Kind.SOURCE}


def _prefix(field: str, text: str, distance: int = 0) -> tantivy.Query:
    return tantivy.Query.fuzzy_term_query(SCHEMA, field, text, distance, prefix=True)


def _stages(words: list[str], whole: str) -> list[tantivy.Query]:
    earlier = [(Occur.Must, term("label", word)) for word in words[:-1]]
    stages = [
        _prefix("label_whole", whole),
        tantivy.Query.boolean_query([*earlier, (Occur.Must, _prefix("label", words[-1]))]),
    ]
    distance = typo_distance(words[-1])
    if distance:
        stages.append(
            tantivy.Query.boolean_query(
                [*earlier, (Occur.Must, _prefix("label", words[-1], distance))]
            )
        )
    return stages


def suggest(q: str, *, limit: int = SUGGEST_LIMIT, editor: bool = False) -> dict[str, list]:
    words = ANALYSERS.words.analyze(q)
    whole_tokens = ANALYSERS.whole.analyze(" ".join(q.split()))
    result: dict[str, list] = {name: [] for name in (*_KINDS, "articles")}
    if not words or not whole_tokens:
        return result
    stages = _stages(words, whole_tokens[0])
    searcher = engine().searcher()
    for name, kind in _KINDS.items():
        docs = _collect(searcher, stages, visibility(kind, editor=editor), limit, "title_sort")
        result[name] = [
            {"name": doc.get_first("label"), "slug": doc.get_first("slug")} for doc in docs.values()
        ]
    if len(" ".join(q.split())) >= MIN_TITLE_PREFIX:
        filters = visibility(Kind.ARTICLE, editor=editor)
        docs = _collect(searcher, stages, filters, limit, "published_desc", tantivy.Order.Desc)
        result["articles"] = [
            {"id": int(doc_id), "title": doc.get_first("label"),
             "language": doc.get_first("language")}
            for doc_id, doc in docs.items()
        ]  # fmt: skip
    return result


def _collect(
    searcher: tantivy.Searcher,
    stages: list[tantivy.Query],
    filters: list,
    limit: int,
    order_field: str,
    order: tantivy.Order = tantivy.Order.Asc,
) -> dict[int, tantivy.Document]:
    """The first ``limit`` documents, stage by stage; keyed by id, in order."""
    found: dict[int, tantivy.Document] = {}
    for stage in stages:
        query = tantivy.Query.boolean_query([*filters, (Occur.Must, stage)])
        hits = searcher.search(
            query, limit + len(found), count=False, order_by_field=order_field, order=order
        ).hits
        addresses = [address for _, address in hits]
        if not addresses:
            continue
        for doc_id, address in zip(searcher.fast_field_values("id", addresses), addresses,
                                    strict=True):  # fmt: skip
            if len(found) < limit and int(doc_id) not in found:
                found[int(doc_id)] = searcher.doc(address)
        if len(found) >= limit:
            break
    return found
