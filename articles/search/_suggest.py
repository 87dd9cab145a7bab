"""As-you-type suggestions from the index: tags, authors, quoted sources and article titles.

A candidate matches when its name (or title) starts with what was typed, or any word of it
does (earlier words whole, the last one as a prefix), any case, any accents; then when the
last word is within ``typo_distance`` of the start of a word of it (the rule of search, in
``_typos``). Matches that start the name come first, then word matches, then typo matches;
names alphabetically, titles newest first.
"""

from __future__ import annotations

from collections.abc import Callable

import tantivy

from articles.kinds import NAMED_KINDS
from articles.search._engine import engine
from articles.search._filters import visibility
from articles.search._schema import ANALYSERS, SCHEMA, Kind, term
from articles.search._typos import typo_distance

Occur = tantivy.Occur
SUGGEST_LIMIT = 5
MIN_TITLE_PREFIX = 3
# Candidates looked at per stage, at most, for each one shown: names used only by scheduled or
# expired articles are passed over, up to this many.
_EXAMINED_PER_SHOWN = 20


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
    result: dict[str, list] = {name: [] for name in (*(k.plural for k in NAMED_KINDS), "articles")}
    if not words or not whole_tokens:
        return result
    stages = _stages(words, whole_tokens[0])
    searcher = engine().searcher()
    for kind in NAMED_KINDS:  # a group per kind, by its plural; its documents are of its name
        keep = None if editor else _used_by_live_article(searcher, kind.name)
        filters = visibility(kind.name, editor=editor)
        docs = _collect(searcher, stages, filters, limit, "title_sort", keep=keep)
        result[kind.plural] = [
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


def _used_by_live_article(
    searcher: tantivy.Searcher, kind: str
) -> Callable[[tantivy.Document], bool]:
    """Whether an article readers see now names the tag, author or source: a name's document
    says only that a published article does, which may be scheduled or expired."""
    live = visibility(Kind.ARTICLE, editor=False)

    def used(doc: tantivy.Document) -> bool:
        naming = (Occur.Must, term(kind, doc.get_first("slug")))  # the article's slug field
        return bool(
            searcher.search(tantivy.Query.boolean_query([*live, naming]), 1, count=False).hits
        )

    return used


def _collect(
    searcher: tantivy.Searcher,
    stages: list[tantivy.Query],
    filters: list,
    limit: int,
    order_field: str,
    order: tantivy.Order = tantivy.Order.Asc,
    keep: Callable[[tantivy.Document], bool] | None = None,
) -> dict[int, tantivy.Document]:
    """The first ``limit`` documents (that ``keep`` keeps), stage by stage; keyed by id, in
    order."""
    found: dict[int, tantivy.Document] = {}
    passed: set[int] = set()
    for stage in stages:
        query = tantivy.Query.boolean_query([*filters, (Occur.Must, stage)])
        offset, examined = 0, 0
        while len(found) < limit and examined < limit * _EXAMINED_PER_SHOWN:
            batch = limit + len(found) + len(passed)
            hits = searcher.search(
                query, batch, count=False, order_by_field=order_field, order=order, offset=offset
            ).hits
            addresses = [address for _, address in hits]
            ids = searcher.fast_field_values("id", addresses) if addresses else []
            for doc_id, address in zip(map(int, ids), addresses, strict=True):
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
