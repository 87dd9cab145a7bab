"""Where a request's time goes: each kind of ``bench/load.py``'s mix, in process.

    .venv/bin/python bench/cost.py --articles 20000 --reuse                  # the table
    .venv/bin/python bench/cost.py --articles 20000 --reuse --profile search_head

On ``run.py``'s archive, through Django's test client with the benchmarks' production
settings (every middleware, the throttle, gzip): for each kind, ``--queries`` requests after
20 to warm up, the CPU time this process spent per request, the CPU time of its PostgreSQL
session per request and the SQL statements of one request. CPU time, unlike the wall clock,
stays meaningful on a machine shared with other work. ``--profile KIND`` adds cProfile's
cumulative view of that kind (cProfile inflates Python calls against C: read it for where,
not for how much).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import time

import archive
import load
import run


def main() -> None:
    parser = run.parser()
    parser.add_argument("--profile", choices=load.KINDS, help="cProfile one kind")
    args = parser.parse_args()
    args.no_pg = True
    os.environ.update(run.SERVER_SETTINGS)  # before Django reads its settings
    archive.prepare(args)
    from django.db import connection
    from django.test import Client

    _, queries, article_ids, tags = run.workload(args)
    mix = load.request_mix(queries, article_ids, tags, args.seed, length=50 * args.queries)
    client = Client(HTTP_ACCEPT_ENCODING="gzip")

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    print("| kind | CPU ms/request: Python + PostgreSQL | SQL statements | n |")
    print("| --- | ---: | ---: | ---: |")
    for kind in load.KINDS:
        paths = [path for k, path in mix if k == kind][: args.queries + 20]
        for path in paths[:20]:
            get(path)
        statements: list[str] = []

        def counted(execute, sql, *rest, statements=statements):
            statements.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            get(paths[20])
        own, session = time.process_time(), load.session_cpu_seconds()
        for path in paths[20:]:
            get(path)
        n = len(paths) - 20
        own, session = time.process_time() - own, load.session_cpu_seconds() - session
        print(f"| {kind} | {1000 * own / n:.2f} + {1000 * session / n:.2f} | "
              f"{len(statements)} | {n} |")  # fmt: skip
        if kind == args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.runcall(lambda paths=paths: [get(path) for path in paths[20:]])
    if args.profile:
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
