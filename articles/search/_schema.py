"""The index schema and its analysers, registered in one place.

One index holds five kinds of document: articles, their quotations (searched on their own by
``/quotes/``), and the tags, authors and quoted sources (for suggestions). Article text is
analysed in the article's own language: each analyser (lower case, stop words, ASCII folding,
that language's snowball stemmer) has its own set of text fields, so BM25 statistics and
stemming never mix languages, and a query is analysed once per language present.
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy

from articles.kinds import NAMED_KINDS, NamedKind

# ISO 639-1 code -> tantivy (snowball) language. Codes that share a stemmer share fields.
STEMMED_LANGUAGES: dict[str, str] = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "it": "italian",
    "nb": "norwegian", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}  # fmt: skip
# Every other language: words lower-cased and folded, not stemmed.
PLAIN = "plain"
ANALYSER_KEYS: tuple[str, ...] = (*sorted(set(STEMMED_LANGUAGES.values())), PLAIN)

# Text fields of an article, per analyser, with their BM25 boosts: title above standfirst and
# tags, above body, above authors, quoted sources and quotes.
ARTICLE_FIELDS: dict[str, float] = {"title": 5.0, "head": 2.0, "body": 1.0, "extra": 0.5}
# Text fields of a quotation document: the quoted words above the source's name and role.
QUOTE_FIELDS: dict[str, float] = {"quote": 1.0, "speaker": 0.5}

# Analysers for names and titles as typed in a suggestion box: folded, not stemmed.
WORDS = "words"  # each word
WHOLE = "whole"  # the whole text as one token ("starts with")
# An article's text as written: each word lower-cased and folded, not stemmed, no stop words
# (the vocabulary that typo tolerance looks words up in, see _typos).
WRITTEN = "written"

# The field (per analyser key) of an article's text as written: ``words__french``.
WRITTEN_FIELD = "words"

# ``expires`` of an article that never expires.
NEVER = (1 << 63) - 1

# Longer tokens are dropped: they are never words, and tantivy refuses terms over 64 KiB.
MAX_TOKEN_LENGTH = 60


class Kind:
    """The ``kind`` field: what a document is."""

    ARTICLE = "article"
    QUOTE = "quote"
    NAMED = tuple(kind.name for kind in NAMED_KINDS)  # tag, author, source (articles.kinds)


@dataclass(frozen=True)
class LabelFields:
    """A suggested kind's fields: its title's or name's words (stored: the first is shown) and
    the whole of it, folded."""

    words: str
    whole: str
    # The whole's first ``STARTS_CHARS`` prefixes, one term each (titles only): "starts with"
    # is then one term, not a walk over every title under the prefix.
    starts: str | None = None


STARTS_CHARS = 16

# Each kind suggested has fields of its own, so that what is typed walks only that kind's term
# dictionary: a tag's prefix reads the words of 5,000 tags, not those of a million titles.
LABELS: dict[str, LabelFields] = {
    kind: LabelFields(
        f"label__{kind}",
        f"label_whole__{kind}",
        f"label_starts__{kind}" if kind == Kind.ARTICLE else None,
    )
    for kind in (Kind.ARTICLE, *Kind.NAMED)
}


def wikidata_field(kind: NamedKind) -> str:
    """The article document's field of the Wikidata ids of its names of this kind."""
    return f"{kind.name}_wikidata"


def analyser_key(language: str) -> str:
    return STEMMED_LANGUAGES.get(language, PLAIN)


def term(field: str, value: str | int) -> tantivy.Query:
    """Documents whose (untokenised) ``field`` holds ``value``."""
    return tantivy.Query.term_query(SCHEMA, field, value)


def text_field(name: str, key: str) -> str:
    """The field holding ``name`` (title, body, ...) for analyser ``key``: ``title__french``."""
    return f"{name}__{key}"


def _stop_words(key: str) -> tantivy.Filter | None:
    """The language's stop-word list, where tantivy has one (not every stemmer does)."""
    if key == PLAIN:
        return None
    stop_words = tantivy.Filter.stopword(key)
    try:  # tantivy checks the language when the filter is added to an analyser
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(stop_words)
    except ValueError:
        return None
    return stop_words


def _language_analyser(key: str | None) -> tantivy.TextAnalyzer:
    """The analyser of a language's fields; ``None``: the same words, not stemmed, no stop
    words (``WRITTEN``)."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_LENGTH))
        .filter(tantivy.Filter.lowercase())
    )
    stop_words = _stop_words(key) if key else None
    if stop_words is not None:
        builder = builder.filter(stop_words)
    builder = builder.filter(tantivy.Filter.ascii_fold())
    if key and key != PLAIN:
        builder = builder.filter(tantivy.Filter.stemmer(key))
    return builder.build()


def _folding(tokenizer: tantivy.Tokenizer) -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tokenizer)
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


@dataclass(frozen=True)
class Analysers:
    by_name: dict[str, tantivy.TextAnalyzer]

    def language(self, key: str) -> tantivy.TextAnalyzer:
        return self.by_name[key]

    @property
    def words(self) -> tantivy.TextAnalyzer:
        return self.by_name[WORDS]

    @property
    def whole(self) -> tantivy.TextAnalyzer:
        return self.by_name[WHOLE]

    @property
    def written(self) -> tantivy.TextAnalyzer:
        return self.by_name[WRITTEN]


def build_analysers() -> Analysers:
    by_name = {key: _language_analyser(key) for key in ANALYSER_KEYS}
    by_name[WORDS] = _folding(tantivy.Tokenizer.simple())
    by_name[WHOLE] = _folding(tantivy.Tokenizer.raw())
    by_name[WRITTEN] = _language_analyser(None)
    return Analysers(by_name)


ANALYSERS = build_analysers()


def register_analysers(index: tantivy.Index) -> None:
    """Analysers are not stored in the index: every opened index needs them."""
    for name, analyser in ANALYSERS.by_name.items():
        index.register_tokenizer(name, analyser)


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    # The article, quotation or named entity id; the article id on articles and quotations,
    # so that deleting by it removes an article with its quotations.
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_unsigned_field("article_id", indexed=True, fast=True)
    builder.add_text_field("status", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("created_by", indexed=True)  # contributors see their own
    builder.add_text_field("language", tokenizer_name="raw", fast=True, stored=True)
    # The section as written (shown by facets) and folded (``articles.text.fold``: any case,
    # any accents), which the filter matches and facets count by.
    builder.add_text_field("section", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field("section_key", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field("month", tokenizer_name="raw", fast=True, index_option="basic")
    for kind in NAMED_KINDS:
        # The slug filters; the label ("slug<TAB>name") is counted by facets; the id lets a
        # change find which entities an article's old document named.
        builder.add_text_field(kind.name, tokenizer_name="raw", index_option="basic")
        builder.add_text_field(kind.label_field, tokenizer_name="raw", fast=True)
        builder.add_unsigned_field(kind.id_field, fast=True)
        builder.add_text_field(wikidata_field(kind), tokenizer_name="raw", index_option="basic")
    # Dates as microseconds since 1970 (UTC): exact range filters.
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_integer_field("updated", indexed=True, fast=True)
    # Readers see an article (and its quotations) from ``published`` until ``expires``
    # (``NEVER`` when it has no end): compared with the time of each search.
    builder.add_integer_field("expires", indexed=True, fast=True)
    # Sort keys (see _documents.sort_key): published date then id, absent dates last.
    builder.add_integer_field("published_desc", fast=True)
    builder.add_integer_field("published_asc", fast=True)
    builder.add_integer_field("quote_order", fast=True)
    builder.add_text_field("title_sort", tokenizer_name="raw", fast=True, index_option="basic")
    # An article's group of near-duplicates (``duplicates``), absent when it has none:
    # ``collapse=duplicates`` keeps one article of each.
    builder.add_unsigned_field("duplicate_group", indexed=True, fast=True)
    # Suggestions: the title or name, its words, and the whole of it, folded (LABELS).
    for fields in LABELS.values():
        builder.add_text_field(fields.words, stored=True, tokenizer_name=WORDS,
                               index_option="basic")  # fmt: skip
        builder.add_text_field(fields.whole, tokenizer_name=WHOLE, index_option="basic")
        if fields.starts:  # prefixes of the whole, already folded
            builder.add_text_field(fields.starts, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("slug", stored=True, tokenizer_name="raw", index_option="basic")
    for key in ANALYSER_KEYS:
        for name in (*ARTICLE_FIELDS, *QUOTE_FIELDS):
            builder.add_text_field(text_field(name, key), tokenizer_name=key)
        # Only the term dictionary and document frequencies are read: no positions.
        builder.add_text_field(text_field(WRITTEN_FIELD, key), tokenizer_name=WRITTEN,
                               index_option="basic")  # fmt: skip
    return builder.build()


SCHEMA = build_schema()
