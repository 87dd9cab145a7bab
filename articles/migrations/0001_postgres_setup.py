"""Extensions, the indexable fold function and the accent-folding text search configurations.

``unaccent()`` is only STABLE (it reads a dictionary that could change), so it cannot be used in
an index or a unique constraint. ``newsapi_fold`` names the dictionary explicitly and is declared
IMMUTABLE, the usual, documented way to index unaccented text.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from articles.migrations._text_search import create_configurations_sql, drop_configurations_sql

FOLD_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.newsapi_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, value))
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(FOLD_FUNCTION_SQL, "DROP FUNCTION IF EXISTS public.newsapi_fold(text)"),
        migrations.RunSQL(create_configurations_sql(), drop_configurations_sql()),
    ]
