"""What the benchmarks share: paths, the bench database, storing NDJSON, percentiles, results.

Importing it makes the project importable and points Django at its settings (quietly).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapi.settings")
os.environ["NEWSAPI_QUIET_DATABASE"] = "1"
# A benchmark with a database of its own sets its name here; NEWSAPI_BENCH_DATABASE gives the
# shared one another name, so that two checkouts on one server do not drop each other's archive.
BENCH_DATABASE = os.environ.get("NEWSAPI_BENCH_DATABASE", "newsapi_bench")
INDEX = ROOT / ".data" / "bench-search"
RESULTS = ROOT / "bench" / "results"


def use_bench_database(reuse: bool) -> bool:
    """Point Django at the bench database; True when it already holds an archive."""
    import django
    from django.conf import settings

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connections
    from psycopg import sql

    from newsapi.database import connection_params, ensure_database

    params = connection_params(settings.DATABASES["default"])
    if not reuse:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(BENCH_DATABASE)
                )
            )
    ensure_database(params, BENCH_DATABASE)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = BENCH_DATABASE
    connections["default"].settings_dict["OPTIONS"]["options"] = "-c statement_timeout=0"
    call_command("migrate", verbosity=0)
    from articles.models import Article

    return Article.objects.exists()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def save(name: str, result: dict) -> None:
    """Write ``bench/results/<name>.json`` and print it."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def store_ndjson(stream: BinaryIO) -> None:
    """Check and write an NDJSON stream's articles as the import does, 500 at a time (the
    import's ``store``, without its report, workers or index follower)."""
    from articles.ingest import entries, store

    batch = []
    for entry in entries(stream):
        batch.append(entry)
        if len(batch) == 500:
            store(batch, False)
            batch = []
    if batch:
        store(batch, False)
