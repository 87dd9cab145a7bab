"""A version of the synonym sets, in the search state row, bumped by every statement that
changes them (a trigger: every door, TRUNCATE included). The request's first statement reads
it with the change log's status, so a search reuses the sets it parsed while none changed
instead of reading them again."""

from django.db import migrations

# From a sequence, so that a version is never given twice: a transaction rolled back after
# its change (and a search inside it) must not leave a version a later change would reuse.
ADD = [
    "CREATE SEQUENCE newsapi_synonyms_version",
    "ALTER TABLE newsapi_search_state ADD COLUMN synonyms_version bigint NOT NULL DEFAULT 0",
    """
    CREATE FUNCTION newsapi_synonyms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE newsapi_search_state SET synonyms_version = nextval('newsapi_synonyms_version')
         WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER newsapi_synonyms_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON articles_synonymset
    FOR EACH STATEMENT EXECUTE FUNCTION newsapi_synonyms_changed()
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS newsapi_synonyms_changed ON articles_synonymset",
    "DROP FUNCTION IF EXISTS newsapi_synonyms_changed()",
    "ALTER TABLE newsapi_search_state DROP COLUMN IF EXISTS synonyms_version",
    "DROP SEQUENCE IF EXISTS newsapi_synonyms_version",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_taken_slugs")]

    operations = [migrations.RunSQL(ADD, DROP)]
