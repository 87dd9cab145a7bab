"""What a list asks for and what its reader may see, as index clauses that narrow without
scoring: the parameters of the article and quotation lists, readers' visibility (published,
dated by now, not expired), and when that visibility next changes by itself."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import tantivy
from django.utils import timezone

from articles.kinds import NAMED_KINDS
from articles.search._documents import microseconds, moment_of
from articles.search._engine import engine
from articles.search._schema import NEVER, SCHEMA, Kind, term, wikidata_field
from articles.text import fold

Occur = tantivy.Occur
PUBLISHED = "published"


@dataclass(frozen=True)
class ArticleSearch:
    """Everything a list of articles can be asked for (SPEC: article list parameters)."""

    q: str = ""
    editor: bool = False  # may see drafts and archived articles
    owner: int | None = None  # a contributor: sees their own articles too, whatever the status
    status: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    author: str | None = None
    source: str | None = None
    section: str | None = None
    # Wikidata ids (``Q3874799``) of a tag, an author or a quoted source the article names.
    tag_wikidata: str | None = None
    author_wikidata: str | None = None
    source_wikidata: str | None = None
    published_after: datetime.datetime | None = None
    published_before: datetime.datetime | None = None
    updated_after: datetime.datetime | None = None
    ordering: str | None = None
    collapse: bool = False  # one article per group of near-duplicates

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


@dataclass(frozen=True)
class QuoteSearch:
    q: str = ""
    editor: bool = False
    source: str | None = None
    article: int | None = None
    language: str | None = None

    @property
    def searching(self) -> bool:
        return bool(self.q.strip())


def narrow(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    """A clause that narrows without scoring."""
    return Occur.Must, tantivy.Query.const_score_query(query, 0.0)


def _since(name: str, moment: datetime.datetime, *, upper: bool = False) -> tantivy.Query:
    bound = microseconds(moment)
    kind = tantivy.FieldType.Integer
    if upper:
        return tantivy.Query.range_query(SCHEMA, name, kind, upper_bound=bound, include_upper=False)
    return tantivy.Query.range_query(SCHEMA, name, kind, lower_bound=bound)


def live_now(now: datetime.datetime | None = None) -> list:
    """Published, dated at or before ``now`` and not expired by then: what readers see of
    articles and quotations (the time is the search's, so no worker opens the door). Said as
    "not scheduled, not expired": excluding the few is cheaper than ranging over the many
    (a published document always has its date)."""
    moment = microseconds(now or timezone.now())
    kind = tantivy.FieldType.Integer
    scheduled = tantivy.Query.range_query(
        SCHEMA, "published", kind, lower_bound=moment, include_lower=False
    )
    expired = tantivy.Query.range_query(SCHEMA, "expires", kind, upper_bound=moment)
    return [
        narrow(term("status", PUBLISHED)),
        (Occur.MustNot, scheduled),
        (Occur.MustNot, expired),
    ]


def _nearest(
    searcher: tantivy.Searcher, name: str, *, coming: bool, at: datetime.datetime | None = None
) -> int | None:
    """The ``published`` or ``expires`` instant of a published article nearest to now (or
    ``at``): the first still to come, or the last that has come."""
    now = microseconds(at or timezone.now())
    kind = tantivy.FieldType.Integer
    if coming:  # an article that never expires is not one to come (and they are most)
        bound = tantivy.Query.range_query(
            SCHEMA, name, kind, lower_bound=now, include_lower=False, upper_bound=NEVER,
            include_upper=False,
        )  # fmt: skip
    else:
        bound = tantivy.Query.range_query(SCHEMA, name, kind, upper_bound=now)
    query = tantivy.Query.boolean_query(
        [
            narrow(term("kind", Kind.ARTICLE)),
            narrow(term("status", PUBLISHED)),
            narrow(bound),
        ]
    )
    order = tantivy.Order.Asc if coming else tantivy.Order.Desc
    hits = searcher.search(query, 1, count=False, order_by_field=name, order=order).hits
    return int(searcher.fast_field_values(name, [hits[0][1]])[0]) if hits else None


def next_change(searcher: tantivy.Searcher, now: datetime.datetime | None = None) -> int | None:
    """The next instant (microseconds) an article's visibility to readers changes by itself
    after now (or ``now``): the earliest date to come of a published article, or expiry to
    come of any. What readers were answered is valid until then (caches of results key by
    it)."""
    instants = [_nearest(searcher, name, coming=True, at=now) for name in ("published", "expires")]
    return min((instant for instant in instants if instant is not None), default=None)


def last_expiry() -> datetime.datetime | None:
    """When an article last expired (any: readers' answers may have changed since)."""
    moment = _nearest(engine().searcher(), "expires", coming=False)
    return None if moment is None else moment_of(moment)


def visibility(
    kind: str,
    *,
    editor: bool,
    status: str | None = None,
    owner: int | None = None,
    now: datetime.datetime | None = None,
) -> list:
    clauses = [narrow(term("kind", kind))]
    if not editor:
        # A name: used by a published article (whether one is live now is the search's to ask).
        readers = [narrow(term("status", PUBLISHED))] if kind in Kind.NAMED else live_now(now)
        if owner is not None:  # a contributor also sees their own articles
            either = [
                (Occur.Should, tantivy.Query.boolean_query(readers)),
                (Occur.Should, term("created_by", owner)),
            ]
            clauses.append(narrow(tantivy.Query.boolean_query(either)))
        else:
            clauses += readers
    if status:
        clauses.append(narrow(term("status", status)))
    return clauses


def article_filters(params: ArticleSearch, now: datetime.datetime | None = None) -> list:
    """The filters of ``params``; readers see what is live now (or at ``now``)."""
    clauses = visibility(
        Kind.ARTICLE, editor=params.editor, status=params.status, owner=params.owner, now=now
    )
    if params.language:
        clauses.append(narrow(term("language", params.language)))
    for slug in params.tags:
        clauses.append(narrow(term("tag", slug)))
    if params.any_tags:
        clauses.append(narrow(tantivy.Query.term_set_query(SCHEMA, "tag", list(params.any_tags))))
    if params.exclude_tags:
        excluded = tantivy.Query.term_set_query(SCHEMA, "tag", list(params.exclude_tags))
        clauses.append((Occur.MustNot, excluded))
    if params.author:
        clauses.append(narrow(term("author", params.author)))
    if params.source:
        clauses.append(narrow(term("source", params.source)))
    if params.section:
        clauses.append(narrow(term("section_key", fold(params.section))))
    for kind in NAMED_KINDS:
        wikidata = getattr(params, kind.wikidata_parameter)
        if wikidata:
            clauses.append(narrow(term(wikidata_field(kind), wikidata)))
    if params.published_after:
        clauses.append(narrow(_since("published", params.published_after)))
    if params.published_before:
        clauses.append(narrow(_since("published", params.published_before, upper=True)))
    if params.updated_after:
        clauses.append(narrow(_since("updated", params.updated_after)))
    return clauses


def quote_filters(params: QuoteSearch) -> list:
    filters = visibility(Kind.QUOTE, editor=params.editor)
    if params.source:
        filters.append(narrow(term("source", params.source)))
    if params.article is not None:
        filters.append(narrow(term("article_id", params.article)))
    if params.language:
        filters.append(narrow(term("language", params.language)))
    return filters
