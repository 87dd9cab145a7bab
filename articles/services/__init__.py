"""Every write: articles with their authors, tags and quotes, and the named entities.

Each public function runs in one transaction and records what it changed in the search index's
change log within it (``articles.search``), so that a reader sees the whole write here and the
index never misses one. Article writes take an ``actor`` (who, through which door): the
workflow's rules are asked with the row locked, and each save keeps a revision
(``articles.lifecycle``); a save that would store what is there is undone. Errors are Django
``ValidationError``s (the API answers them with a 400); nothing of a failed write is stored.

Concurrency: an update locks the row it changes and applies only the fields given to the row
as it is now, so concurrent updates of different fields all survive (the same field: the last
writer wins, or ``if_match`` makes the write conditional). New names are created in one fixed
order (tags, authors, sources, as ``articles.kinds`` lists them; by slug), so two writers never
wait on each other in a cycle; a deadlock or serialization failure that still happens is
retried a few times (``articles.transactions``).

The package by job: ``articles`` (article writes and versions), ``named`` (tags, authors,
sources, and the names an article write creates), ``checks`` (the input's rules, shared with
``bulk``), ``cleaning`` (control characters, HTML, dates), ``slugs``, ``changes`` (the change
log and the outbox) and ``errors``. Callers use the names below: ``services.article_create``.
"""

from articles.services.articles import (
    SYSTEM,
    article_admin_write,
    article_create,
    article_delete,
    article_import,
    article_update,
    article_version,
    article_versions,
    articles_set_status,
    version_of,
)
from articles.services.checks import (
    QuoteInput,
    check_counts,
    check_field_names,
    check_quotes,
    checked_name,
    source_defaults,
    unique_in_order,
)
from articles.services.cleaning import normalise_article
from articles.services.errors import Conflict, PreconditionFailed, constraint_name
from articles.services.named import (
    get_or_create_named,
    named_check,
    named_create,
    named_delete,
    named_update,
)
from articles.services.slugs import article_slug_base

__all__ = [
    "SYSTEM",
    "Conflict",
    "PreconditionFailed",
    "QuoteInput",
    "article_admin_write",
    "article_create",
    "article_delete",
    "article_import",
    "article_slug_base",
    "article_update",
    "article_version",
    "article_versions",
    "articles_set_status",
    "check_counts",
    "check_field_names",
    "check_quotes",
    "checked_name",
    "constraint_name",
    "get_or_create_named",
    "named_check",
    "named_create",
    "named_delete",
    "named_update",
    "normalise_article",
    "source_defaults",
    "unique_in_order",
    "version_of",
]
