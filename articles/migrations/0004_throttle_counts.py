"""Request counts for throttling, shared by every worker and host (articles/api/throttling.py).

UNLOGGED: counts are cheap to lose in a crash (the window starts over) and need no WAL.
"""

from django.db import migrations

SQL = """
CREATE UNLOGGED TABLE newsapi_throttle (
    key text NOT NULL,
    window_start bigint NOT NULL,
    hits integer NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (key, window_start)
)
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_index")]

    operations = [
        migrations.RunSQL(SQL, "DROP TABLE IF EXISTS newsapi_throttle"),
        migrations.RunSQL(
            "CREATE INDEX newsapi_throttle_expires ON newsapi_throttle (expires_at)",
            migrations.RunSQL.noop,
        ),
    ]
