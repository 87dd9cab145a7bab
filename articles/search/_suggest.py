"""As-you-type suggestions from the index: tags, authors, quoted sources and article titles.

A candidate matches when its name (or title) starts with what was typed, or any word of it
does (earlier words whole, the last one as a prefix), any case, any accents; then when the
last word is within ``typo_distance`` of the start of a word of it (the rule of search, in
``_typos``). Matches that start the name come first, then word matches, then typo matches;
names alphabetically, titles newest first.

Each kind has fields of its own (``LABELS``), so what is typed walks that kind's term
dictionary only, and a title "starts with" up to ``STARTS_CHARS`` characters is one term of
its prefixes, not a walk over every title under them. Titles are looked for in the newest
months first (``recent_months``): a month orders as its articles' dates do, so when those
months hold enough matches they are the newest of all, and a prefix that starts half the
titles of the archive reads only the recent ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import tantivy

from articles.kinds import NAMED_KINDS
from articles.search._documents import SORTED_YEARS
from articles.search._engine import Reading, engine
from articles.search._filters import narrow, visibility
from articles.search._schema import (
    ANALYSERS,
    LABELS,
    SCHEMA,
    STARTS_CHARS,
    Kind,
    LabelFields,
    term,
)
from articles.search._typos import typo_distance

Occur = tantivy.Occur
SUGGEST_LIMIT = 5
MIN_TITLE_PREFIX = 3
# Candidates looked at per stage, at most, for each one shown: names used only by scheduled or
# expired articles are passed over, up to this many.
_EXAMINED_PER_SHOWN = 20
# Titles are looked for first in the newest months that hold this share of the dated documents
# (articles and quotations): a month at a million articles over ten years.
_RECENT_SHARE = 0.01
# A name on more documents than this is looked for on a live article of the newest months first:
# reading every article of a tag on a third of the archive costs milliseconds.
_WIDELY_USED = 2_000


def _prefix(field: str, text: str, distance: int = 0) -> tantivy.Query:
    return tantivy.Query.fuzzy_term_query(SCHEMA, field, text, distance, prefix=True)


def suggest_stages(fields: LabelFields, words: list[str], whole: str) -> list[tantivy.Query]:
    earlier = [(Occur.Must, term(fields.words, word)) for word in words[:-1]]
    starts = fields.starts and 0 < len(whole) <= STARTS_CHARS
    stages = [
        term(fields.starts, whole) if starts else _prefix(fields.whole, whole),
        tantivy.Query.boolean_query([*earlier, (Occur.Must, _prefix(fields.words, words[-1]))]),
    ]
    distance = typo_distance(words[-1])
    if distance:
        stages.append(
            tantivy.Query.boolean_query(
                [*earlier, (Occur.Must, _prefix(fields.words, words[-1], distance))]
            )
        )
    return stages


def suggest(q: str, *, limit: int = SUGGEST_LIMIT, editor: bool = False) -> dict[str, list]:
    words = ANALYSERS.words.analyze(q)
    whole_tokens = ANALYSERS.whole.analyze(" ".join(q.split()))
    result: dict[str, list] = {name: [] for name in (*(k.plural for k in NAMED_KINDS), "articles")}
    if not words or not whole_tokens:
        return result
    reading = engine().reading()
    searcher = reading.searcher
    titles = len(" ".join(q.split())) >= MIN_TITLE_PREFIX
    # Read for readers' names and for titles only (an editor's short prefix needs neither).
    recent = _recent_months_at(reading) if titles or not editor else None
    for kind in NAMED_KINDS:  # a group per kind, by its plural; its documents are of its name
        fields = LABELS[kind.name]
        stages = suggest_stages(fields, words, whole_tokens[0])
        keep = None if editor else _used_by_live_article(searcher, kind.name, recent)
        filters = visibility(kind.name, editor=editor)
        docs = _collect(searcher, stages, filters, limit, "title_sort", keep=keep)
        result[kind.plural] = [
            {"name": doc.get_first(fields.words), "slug": doc.get_first("slug")}
            for doc in docs.values()
        ]
    if titles:
        fields = LABELS[Kind.ARTICLE]
        stages = suggest_stages(fields, words, whole_tokens[0])
        filters = visibility(Kind.ARTICLE, editor=editor)
        docs = _collect(searcher, stages, filters, limit, "published_desc", tantivy.Order.Desc,
                        within=recent)  # fmt: skip
        result["articles"] = [
            {"id": int(doc_id), "title": doc.get_first(fields.words),
             "language": doc.get_first("language")}
            for doc_id, doc in docs.items()
        ]  # fmt: skip
    return result


# The last index state's recent months (its version, the clause): every suggestion reads them.
_recent: tuple[tuple[str, int], tantivy.Query | None] | None = None


def _recent_months_at(reading: Reading) -> tantivy.Query | None:
    """``recent_months`` of the reading's searcher, counted once per index state."""
    global _recent
    kept = _recent
    if kept is not None and kept[0] == reading.version:
        return kept[1]
    recent = recent_months(reading.searcher)
    _recent = (reading.version, recent)
    return recent


def recent_months(searcher: tantivy.Searcher) -> tantivy.Query | None:
    """The newest months that hold ``_RECENT_SHARE`` of the dated documents, as a clause; None
    when that takes every month. Their documents are dated from the first of the oldest of
    them on (``month`` is the date's, in UTC), so they come first newest first: exactly, for
    dates that ``published_desc`` orders exactly (``SORTED_YEARS``). The term dictionary
    counts them (deleted documents too, until a merge: a share is all it needs)."""
    months = sorted(
        ((tuple(map(int, value.split("-"))), value, count)
         for value, count in searcher.terms_with_prefix("month", "")),
        reverse=True,
    )  # fmt: skip
    wanted = _RECENT_SHARE * sum(count for *_, count in months)
    taken, held = [], 0
    for (year, _), value, count in months:
        if held >= wanted:
            break
        if year not in SORTED_YEARS:
            return None
        taken.append(value)
        held += count
    if len(taken) == len(months):
        return None
    return tantivy.Query.term_set_query(SCHEMA, "month", taken)


def _used_by_live_article(
    searcher: tantivy.Searcher, kind: str, recent: tantivy.Query | None
) -> Callable[[tantivy.Document], bool]:
    """Whether an article readers see now names the tag, author or source: a name's document
    says only that a published article does, which may be scheduled or expired. A widely used
    name is looked for among the ``recent`` articles first (one found there is one found)."""
    live = visibility(Kind.ARTICLE, editor=False)

    def used(doc: tantivy.Document) -> bool:
        slug = doc.get_first("slug")
        naming = (Occur.Must, term(kind, slug))  # the article's slug field
        parts = [[]]
        if recent is not None and searcher.doc_freq(kind, slug) > _WIDELY_USED:
            parts.insert(0, [narrow(recent)])
        queries = (tantivy.Query.boolean_query([*live, *part, naming]) for part in parts)
        return any(searcher.search(query, 1, count=False).hits for query in queries)

    return used


def _collect(
    searcher: tantivy.Searcher,
    stages: list[tantivy.Query],
    filters: list,
    limit: int,
    order_field: str,
    order: tantivy.Order = tantivy.Order.Asc,
    keep: Callable[[tantivy.Document], bool] | None = None,
    within: tantivy.Query | None = None,
) -> dict[int, tantivy.Document]:
    """The first ``limit`` documents (that ``keep`` keeps), stage by stage; keyed by id, in
    order. ``within``: a clause whose documents come before all others in this order; each
    stage is read within it first, and whole only when it holds too few (not with ``keep``:
    its cap on the examined would count twice)."""
    assert keep is None or within is None
    found: dict[int, tantivy.Document] = {}
    passed: set[int] = set()
    parts = [[narrow(within)], []] if within is not None else [[]]
    for stage, part in itertools.product(stages, parts):
        query = tantivy.Query.boolean_query([*filters, *part, (Occur.Must, stage)])
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
