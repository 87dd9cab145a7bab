"""The events 0010_speakers did not write. Splitting the shared anonymous sources per article
changed what clients see (the articles' quotes name ``un-officiel--42`` where they named
``un-officiel``; ``/sources/un-officiel/`` is gone), and 0009 had seeded the feed as knowing
the old state. So: every article the feed knows as quoting a source that no longer exists is
touched (``updated_at``: its ETag and ``updated_after`` see it), logged for the index, and told
(``article.updated``; the old source's ``source.deleted`` tombstone and the new sources'
``source.created`` follow from the outbox's own rule), as any write would; a gone source the
feed still knows that no such article names gets its tombstone too.

It runs the outbox's code (an event's data is the API's representation), which reads today's
models: on a database that still has this to do, apply it before a later migration changes
the tables it reads. Where nothing is stale (a new database, or one past this) it reads two
queries and does nothing."""

from django.db import connection, migrations

STALE_ARTICLES_SQL = """
SELECT k.object_id FROM articles_knownobject k
  JOIN articles_article a ON a.id = k.object_id
 WHERE k.object = 'article'
   AND EXISTS (SELECT 1 FROM unnest(k.source_ids) AS s
                WHERE NOT EXISTS (SELECT 1 FROM articles_quotedsource q WHERE q.id = s))
"""
STALE_SOURCES_SQL = """
SELECT k.object_id FROM articles_knownobject k
 WHERE k.object = 'source'
   AND NOT EXISTS (SELECT 1 FROM articles_quotedsource q WHERE q.id = k.object_id)
"""


def tell(apps, schema_editor):
    with connection.cursor() as cursor:
        cursor.execute(STALE_ARTICLES_SQL)
        article_ids = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(STALE_SOURCES_SQL)
        source_ids = sorted(row[0] for row in cursor.fetchall())
        if not article_ids and not source_ids:
            return
        cursor.execute(
            "UPDATE articles_article SET updated_at = now() WHERE id = ANY(%s)", [article_ids]
        )
    from articles import events, search
    from articles.models import QuotedSource

    search.record_changes(search.ARTICLE, article_ids)
    events.articles_changed(article_ids)
    events.names_changed(QuotedSource, source_ids)  # those the articles did not tell of


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_duplicates'),
    ]

    operations = [
        migrations.RunPython(tell, migrations.RunPython.noop),
    ]
