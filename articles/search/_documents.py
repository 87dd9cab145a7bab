"""Index documents, read from PostgreSQL in batches: one statement per batch of articles,
one per kind of named entity."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import tantivy
from django.db import connection

from articles.kinds import NAMED_KINDS, SOURCE, NamedKind, by_name
from articles.search._schema import (
    ANALYSERS,
    ARTICLE_FIELDS,
    LABELS,
    NEVER,
    STARTS_CHARS,
    WRITTEN_FIELD,
    Kind,
    analyser_key,
    text_field,
    wikidata_field,
)
from articles.text import fold, plain_text

ANONYMOUS = "anonymous"  # QuotedSource.Kind.ANONYMOUS (the index reads rows, not models)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# Sort keys pack the date (seconds) and the id into one integer, so that one fast field
# orders by date and then id. 30 bits of id; seconds are clamped to 33 bits from 1900
# (1900-2172). Dates outside that range, or ids beyond a billion sharing one second, are the
# only places where the order is not exactly (date, id).
_ID_BITS = 30
_SECONDS_FROM = -2_208_988_800  # 1900-01-01
_SECONDS_SPAN = (1 << 33) - 1
NO_DATE_LAST_DESC = -(1 << 63)
# The years of dates that sort keys keep apart from every other date (inside the clamp).
SORTED_YEARS = range(1901, 2172)
NO_DATE_LAST_ASC = (1 << 63) - 1


def microseconds(moment: datetime.datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def moment_of(value: int) -> datetime.datetime:
    """The instant of ``microseconds``."""
    return _EPOCH + datetime.timedelta(microseconds=value)


def sort_key(moment: datetime.datetime, object_id: int) -> int:
    seconds = microseconds(moment) // 1_000_000 - _SECONDS_FROM
    seconds = min(max(seconds, 0), _SECONDS_SPAN)
    return (seconds << _ID_BITS) | (object_id & ((1 << _ID_BITS) - 1))


def quote_order(row: ArticleRow, position: int) -> int:
    """Newest article first (descending), then the article id, then the quote's position:
    20 bits of article id and 10 of position share the low bits of the date key."""
    if row.published_at is None:
        return NO_DATE_LAST_DESC + position
    key = sort_key(row.published_at, 0)
    return key | ((row.id & 0xFFFFF) << 10) | (1023 - min(position, 1023))


# One statement per table for a batch of articles: set-based joins, no per-article subquery
# and no JSON to encode and decode (the rebuild reads every article this way).
_ARTICLES_SQL = """
SELECT a.id, a.title, a.standfirst, a.body, a.language, a.section, a.status, a.published_at,
       a.updated_at, a.created_by_id, a.expires_at, f.group_id
  FROM articles_article a LEFT JOIN articles_fingerprint f ON f.article_id = a.id
 WHERE a.id = ANY(%s)
"""
_TAGS_SQL = """
SELECT at.article_id, t.id, t.slug, t.name, '{}'::text[], '{}'::text[], t.wikidata_id
  FROM articles_article_tags at JOIN articles_tag t ON t.id = at.tag_id
 WHERE at.article_id = ANY(%s)
"""
_AUTHORS_SQL = """
SELECT b.article_id, au.id, au.slug, au.name, au.aliases, au.alias_slugs, au.wikidata_id
  FROM articles_byline b JOIN articles_author au ON au.id = b.author_id
 WHERE b.article_id = ANY(%s) ORDER BY b.article_id, b.position, b.id
"""
_QUOTES_SQL = """
SELECT q.article_id, q.id, q.text, s.id, s.slug, s.name, s.description, s.kind, s.aliases,
       s.alias_slugs, s.wikidata_id
  FROM articles_quotation q JOIN articles_quotedsource s ON s.id = q.source_id
 WHERE q.article_id = ANY(%s) ORDER BY q.article_id, q.position, q.id
"""


@dataclass
class ArticleRow:
    id: int
    title: str
    standfirst: str
    body: str
    language: str
    section: str
    status: str
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
    created_by_id: int | None
    expires_at: datetime.datetime | None
    duplicate_group: int | None = None  # its group of near-duplicates
    # Names: [id, slug, name, aliases, alias slugs, wikidata id] (tags: no aliases), in any order.
    tags: list[list] = field(default_factory=list)
    authors: list[list] = field(default_factory=list)
    # [id, text, source id, slug, name, role, kind, aliases, alias slugs, wikidata id]
    quotes: list[list] = field(default_factory=list)

    @property
    def sources(self) -> list[list]:
        """Distinct quoted sources, as names: [id, slug, name, aliases, alias slugs, wikidata]."""
        seen: dict[int, list] = {}
        for _, _, source_id, slug, name, _, _, aliases, alias_slugs, wikidata in self.quotes:
            seen.setdefault(source_id, [source_id, slug, name, aliases, alias_slugs, wikidata])
        return list(seen.values())

    def names(self, kind: NamedKind) -> list[list]:
        """Its names of ``kind``: ``tags``, ``authors`` or ``sources``, by the kind's plural."""
        return getattr(self, kind.plural)

    def anonymous(self) -> set[int]:
        """Ids of its anonymous sources: its own, never counted as one person across articles."""
        return {quote[2] for quote in self.quotes if quote[6] == ANONYMOUS}


def read_articles(ids: list[int]) -> list[ArticleRow]:
    """The articles with these ids (those that exist), with their tags, authors and quotes."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_ARTICLES_SQL, [ids])
        rows = {
            row[0]: ArticleRow(*row, tags=[], authors=[], quotes=[]) for row in cursor.fetchall()
        }
        for sql, relation in ((_TAGS_SQL, "tags"), (_AUTHORS_SQL, "authors"),
                              (_QUOTES_SQL, "quotes")):  # fmt: skip
            cursor.execute(sql, [ids])
            for article_id, *values in cursor.fetchall():
                getattr(rows[article_id], relation).append(values)
    return list(rows.values())


class FieldValues(dict):
    """A document as ``{field: [values]}``, built with ``tantivy.Document``'s methods: what
    ``json.dumps`` writes and ``IndexWriter.add_json`` reads back, for documents built in
    another process (``_building``)."""

    def add_text(self, field_name: str, value: str | int) -> None:
        self.setdefault(field_name, []).append(value)

    add_unsigned = add_integer = add_text  # the schema gives JSON's numbers their type


Document = tantivy.Document | FieldValues


def article_documents(
    row: ArticleRow, *, matching: bool = False, document: type[Document] = tantivy.Document
) -> Iterator[Document]:
    """The article's document, then one per quotation. ``matching``: only what the article
    list matches and filters articles by (not what facets count, suggestions show or pages
    are ordered by), for percolation's batches. ``document``: what to build them as."""
    key = analyser_key(row.language)
    doc = document()
    doc.add_text("kind", Kind.ARTICLE)
    doc.add_unsigned("id", row.id)
    _add_shared(doc, row, matching=matching)
    if row.created_by_id is not None:
        doc.add_unsigned("created_by", row.created_by_id)
    if row.section:
        if not matching:
            doc.add_text("section", row.section)
        doc.add_text("section_key", fold(row.section))
    doc.add_integer("updated", microseconds(row.updated_at))
    if not matching:  # percolation ignores collapse and sorting
        if row.duplicate_group is not None:
            doc.add_unsigned("duplicate_group", row.duplicate_group)
        doc.add_text("title_sort", fold(row.title))
        labels = LABELS[Kind.ARTICLE]
        doc.add_text(labels.words, row.title)
        doc.add_text(labels.whole, row.title)
        for whole in ANALYSERS.whole.analyze(row.title):  # the whole as that field holds it
            for length in range(1, min(len(whole), STARTS_CHARS) + 1):
                doc.add_text(labels.starts, whole[:length])
    anonymous = row.anonymous()
    for kind in NAMED_KINDS:
        for entity_id, slug, name, _, alias_slugs, wikidata in row.names(kind):
            # Filters find it by its slug or any alias's (an old slug after a merge).
            for each in (slug, *alias_slugs):
                doc.add_text(kind.name, each)
            if not matching:
                if entity_id not in anonymous:  # facets count people, not "a senior official"
                    doc.add_text(kind.label_field, f"{slug}\t{name}")
                doc.add_unsigned(kind.id_field, entity_id)
            if wikidata:
                doc.add_text(wikidata_field(kind), wikidata)
    texts = article_texts(row)
    for name in ARTICLE_FIELDS:
        if texts[name].strip():
            doc.add_text(text_field(name, key), texts[name])
            doc.add_text(text_field(WRITTEN_FIELD, key), texts[name])
    yield doc
    for position, quoted in enumerate(row.quotes):
        quote_id, text, _, slug, name, role, _, aliases, alias_slugs, _ = quoted
        quote = document()
        quote.add_text("kind", Kind.QUOTE)
        quote.add_unsigned("id", quote_id)
        _add_shared(quote, row)
        for each in (slug, *alias_slugs):
            quote.add_text("source", each)
        quote.add_integer("quote_order", quote_order(row, position))
        quote.add_text(text_field("quote", key), text)
        quote.add_text(text_field("speaker", key), " ".join([name, *aliases, role]))
        yield quote


def article_texts(row: ArticleRow) -> dict[str, str]:
    """The text of each of an article's text fields (``ARTICLE_FIELDS``), before analysis."""
    return {
        "title": row.title,
        "head": " ".join([row.standfirst, *(tag[2] for tag in row.tags)]),
        "body": plain_text(row.body),
        "extra": " ".join(
            [
                *(" ".join([name, *aliases]) for _, _, name, aliases, _, _ in row.authors),
                *(
                    f"{' '.join([name, *aliases])} {role} {text}"
                    for _, text, _, _, name, role, _, aliases, _, _ in row.quotes
                ),
            ]
        ),
    }


def _add_shared(doc: Document, row: ArticleRow, *, matching: bool = False) -> None:
    """What an article and its quotations are both filtered and ordered by (``matching``:
    filtered by only)."""
    doc.add_unsigned("article_id", row.id)
    doc.add_text("status", row.status)
    doc.add_text("language", row.language)
    if row.published_at is not None:
        doc.add_integer("published", microseconds(row.published_at))
    doc.add_integer("expires", NEVER if row.expires_at is None else microseconds(row.expires_at))
    if matching:
        return
    if row.published_at is None:
        doc.add_integer("published_desc", NO_DATE_LAST_DESC)
        doc.add_integer("published_asc", NO_DATE_LAST_ASC)
    else:
        # Quotations have these too: a source's timeline counts them by them (``_timeline``).
        doc.add_integer("published", microseconds(row.published_at))
        doc.add_text("month", row.published_at.astimezone(datetime.UTC).strftime("%Y-%m"))
        doc.add_integer("published_desc", sort_key(row.published_at, row.id))
        doc.add_integer("published_asc", sort_key(row.published_at, row.id))


# --- tags, authors and quoted sources ---------------------------------------------------------


def _named_sql(kind: NamedKind, *, every: bool) -> str:
    """The tables and the link column are the kind's (``articles.kinds``)."""
    table, link = kind.model._meta.db_table, kind.link_model._meta.db_table
    column = kind.link_column
    where = [] if every else ["e.id = ANY(%s)"]
    if kind is SOURCE:  # anonymous sources are not suggested: each is one article's
        where.append(f"e.kind <> '{ANONYMOUS}'")
    has_aliases = any(field.name == "aliases" for field in kind.model._meta.get_fields())
    aliases = "e.aliases" if has_aliases else "'{}'::text[]"  # tags have none
    # Whether a published article uses it: readers see only such names (an embargoed draft's
    # names stay with editors).
    return f"""
        SELECT e.id, e.slug, e.name, {aliases},
               EXISTS (SELECT 1 FROM {link} l JOIN articles_article a ON a.id = l.article_id
                        WHERE l.{column} = e.id AND a.status = 'published')
          FROM {table} e {"WHERE " + " AND ".join(where) if where else ""}
    """


def named_documents(kind: str, ids: Iterable[int] | None = None) -> Iterator[tantivy.Document]:
    """Documents of the given (or every) tag, author or source; absent ids yield nothing."""
    ids = None if ids is None else list(ids)
    if ids is not None and not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_named_sql(by_name(kind), every=ids is None), [] if ids is None else [ids])
        for entity_id, slug, name, aliases, published in cursor.fetchall():
            doc = tantivy.Document()
            doc.add_text("kind", kind)
            doc.add_unsigned("id", entity_id)
            doc.add_text("status", "published" if published else "draft")
            doc.add_text("slug", slug)
            # The name first: suggestions show the first label; aliases find it too.
            for label in (name, *aliases):
                doc.add_text(LABELS[kind].words, label)
                doc.add_text(LABELS[kind].whole, label)
            doc.add_text("title_sort", fold(name))
            yield doc
