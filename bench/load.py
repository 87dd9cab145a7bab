"""Concurrent load: the API against bare Django on the same gunicorn settings, side by side.

    .venv/bin/python bench/load.py --articles 20000 --reuse      # the archive of bench/run.py
    .venv/bin/python bench/run.py --articles 20000               # run.py ends with this load

Closed loop: ``--clients`` (8) threads, each sending its next request as soon as the last one
is answered, for ``--load-seconds`` or ``--load-requests`` in all, whichever comes first. The
mix: searches (head words, tail words, phrases, head words with ``language=fr``), lists
(newest, a popular tag with ``language=fr``), facets for a head word, suggestions and related
articles, drawn at random with equal weights, the same sequence for both servers.

The comparison is a minimal Django project (``bench/minimal/``: no apps, no middleware, no
database) whose one view returns the bytes of the API's newest 20 articles, captured once at
the start, to every path; it runs under gunicorn with the API's worker settings. Phases
alternate (API, bare Django, API) so that drift in the shared machine's load shows; the ratio
is the API's mean over the bare view's requests per second. Each phase also records the CPU
time its server spent per request (gunicorn's workers and, for the API, their PostgreSQL
sessions), which a busy machine disturbs less than the rates.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("search_head", "search_tail", "search_phrase", "search_fr", "list_newest",
         "list_filtered", "facets_q", "suggest", "related")  # fmt: skip
TICKS = os.sysconf("SC_CLK_TCK")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("concurrent load (bench/load.py)")
    group.add_argument("--clients", type=int, default=8, help="client threads")
    group.add_argument(
        "--load-seconds", type=float, default=20.0, help="length of each phase; 0 skips the load"
    )
    group.add_argument("--load-requests", type=int, default=40_000, help="at most, per phase")
    group.add_argument(
        "--ports",
        type=int,
        default=0,
        help="the API on this port, bare Django on the next (default: free ports)",
    )


# --- servers ----------------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    app: str, env: dict[str, str], port: int, *, cwd: Path = ROOT
) -> Iterator[subprocess.Popen]:
    """Serve ``app`` as the benchmarks do (2 sync workers) on loopback until it answers
    (``cwd``: the checkout whose code it serves)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "120", "--log-level", "warning"],
        cwd=cwd, env={**env, "PYTHONPATH": str(cwd)},
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                fetch(port, "/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"{app} exited with {server.returncode}") from None
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def database_sessions() -> list[int]:
    """The PostgreSQL processes serving the bench database's other sessions (the workers')."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def session_cpu_seconds() -> float:
    """CPU seconds so far of this process's PostgreSQL session (its server process)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return cpu_seconds([pid]).get(pid, 0.0)


def server_cpu_seconds() -> float:
    """CPU seconds so far of the whole PostgreSQL server this process uses, when it runs on
    this host (0 if not): the postmaster's own, its ended children's (sessions that closed)
    and its live children's (sessions, background writer, WAL writer...)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
        fields = Path(f"/proc/{ppid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{ppid}/task/{ppid}/children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
    return own + sum(cpu_seconds([int(child) for child in children]).values())


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Each live process's user and system time so far."""
    times = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return times


# --- the load ---------------------------------------------------------------------------------


def request_mix(
    queries: dict[str, list[tuple]],
    article_ids: list[int],
    tags: list[str],
    seed: int,
    length: int = 4_000,
) -> list[tuple[str, str]]:
    """One client's sequence of (kind, path), drawn with equal weights over ``KINDS``."""
    rng = random.Random(seed)
    heads = [text for text, _ in queries["head"]]

    def path(kind: str) -> str:
        if kind in ("search_head", "search_tail", "search_phrase"):
            params = {"q": rng.choice(queries[kind.removeprefix("search_")] or queries["head"])[0]}
        elif kind == "search_fr":
            params = {"q": rng.choice(heads), "language": "fr"}
        elif kind == "list_filtered":
            params = {"tag": rng.choice(tags), "language": "fr"}
        elif kind == "facets_q":
            return "/api/v1/articles/facets/?" + urllib.parse.urlencode({"q": rng.choice(heads)})
        elif kind == "suggest":
            return "/api/v1/suggest/?" + urllib.parse.urlencode(
                {"q": rng.choice(heads)[: rng.randint(2, 5)]}
            )
        elif kind == "related":
            return f"/api/v1/articles/{rng.choice(article_ids)}/related/"
        else:
            params = {}
        return "/api/v1/articles/" + (f"?{urllib.parse.urlencode(params)}" if params else "")

    kinds = [rng.choice(KINDS) for _ in range(length)]
    return [(kind, path(kind)) for kind in kinds]


def client(
    port: int,
    sequence: list[tuple[str, str]],
    deadline: float,
    budget: Iterator[int],
    limit: int,
    samples: list[tuple[str, float, int]],
) -> None:
    """Closed loop: the next request as soon as the last is read. gunicorn's sync workers
    close every connection after its response; http.client reconnects for the next one."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Accept-Encoding": "gzip"}  # what browsers and HTTP libraries send
    for kind, path in itertools.cycle(sequence):
        if time.perf_counter() >= deadline or next(budget) >= limit:
            break
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            status = 0
        samples.append((kind, time.perf_counter() - started, status))
    connection.close()


def percentiles_ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None, "n": 0}

    def at(fraction: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def phase(
    name: str,
    port: int,
    sequences: list[list[tuple[str, str]]],
    seconds: float,
    limit: int,
    server_pids: Callable[[], dict[str, list[int]]],
) -> dict:
    samples: list[tuple[str, float, int]] = []
    budget = itertools.count()
    load_before = os.getloadavg()[0]
    cpu_before = {group: cpu_seconds(pids) for group, pids in server_pids().items()}
    own_before = time.process_time()
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=client, args=(port, sequence, started + seconds, budget, limit, samples)
        )
        for sequence in sequences
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    # Sessions a worker opened during the phase count from zero; one that closed is lost.
    cpu = {
        group: sum(t - cpu_before[group].get(pid, 0.0) for pid, t in cpu_seconds(pids).items())
        for group, pids in server_pids().items()
    }
    done = len(samples)
    kinds: dict[str, list[float]] = {}
    for kind, duration, _ in samples:
        kinds.setdefault(kind, []).append(duration)
    return {
        "server": name,
        "requests": done,
        "errors": sum(1 for *_, status in samples if status != 200),
        "seconds": round(elapsed, 1),
        "requests_per_s": round(done / elapsed, 1),
        **percentiles_ms([duration for _, duration, _ in samples]),
        "server_cpu_ms_per_request": round(1000 * sum(cpu.values()) / done, 2) if done else None,
        **{
            f"{group}_cpu_ms_per_request": round(1000 * seconds / done, 2) if done else None
            for group, seconds in cpu.items()
        },
        "client_cpu_ms_per_request": (
            round(1000 * (time.process_time() - own_before) / done, 2) if done else None
        ),
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "kinds": {kind: kinds[kind] for kind in sorted(kinds)},
    }


def compare(
    args: argparse.Namespace,
    api_port: int,
    api_master: int,
    sequences: list[list[tuple]],
    env: dict[str, str],
) -> dict:
    """API, bare Django, API: the phases, their summary and the API's percentiles per kind."""
    from tests.live import free_port

    minimal_port = args.ports + 1 if args.ports else free_port()
    status, page = fetch(api_port, "/api/v1/articles/", {"Accept-Encoding": "identity"})
    assert status == 200, status
    print(
        f"load: {args.clients} clients, {args.load_seconds:g} s or {args.load_requests} "
        f"requests a phase; bare Django answers {len(page):,} bytes",
        flush=True,
    )
    with tempfile.NamedTemporaryFile(suffix=".json") as body:
        body.write(page)
        body.flush()
        minimal_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "bench.minimal.settings",
            "BENCH_MINIMAL_BODY": body.name,
        }
        with gunicorn("bench.minimal.wsgi", minimal_env, minimal_port) as minimal:

            def api_pids() -> dict[str, list[int]]:
                return {"workers": workers(api_master), "database": database_sessions()}

            def minimal_pids() -> dict[str, list[int]]:
                return {"workers": workers(minimal.pid)}

            servers = {"api": (api_port, api_pids), "minimal": (minimal_port, minimal_pids)}
            warm = min(3.0, args.load_seconds)
            for port, pids in servers.values():  # every worker's caches and connections
                phase("warm-up", port, sequences, warm, args.load_requests, pids)
            phases = []
            for name in ("api", "minimal", "api"):
                port, pids = servers[name]
                phases.append(
                    phase(name, port, sequences, args.load_seconds, args.load_requests, pids)
                )
                print(
                    f"  {name}: {phases[-1]['requests_per_s']} requests/s, p99 "
                    f"{phases[-1]['p99']} ms",
                    flush=True,
                )
    return summary(phases)


def summary(phases: list[dict]) -> dict:
    """Means over each server's phases; the API's percentiles per kind over both its phases."""
    pooled: dict[str, dict[str, list[float]]] = {"api": {}, "minimal": {}}
    for p in phases:
        for kind, durations in p.pop("kinds").items():
            pooled[p["server"]].setdefault(kind, []).extend(durations)

    def mean(server: str, key: str) -> float:
        return statistics.mean(p[key] for p in phases if p["server"] == server)

    def p99(server: str) -> float:
        return percentiles_ms([d for ds in pooled[server].values() for d in ds])["p99"]

    api_rps, minimal_rps = mean("api", "requests_per_s"), mean("minimal", "requests_per_s")
    return {
        "load_api_requests_per_s": round(api_rps, 1),
        "load_minimal_requests_per_s": round(minimal_rps, 1),
        "load_api_vs_minimal_requests_per_s": round(api_rps / minimal_rps, 3),
        "load_api_p99_ms": p99("api"),
        "load_minimal_p99_ms": p99("minimal"),
        "load_minimal_vs_api_server_cpu": round(
            mean("minimal", "server_cpu_ms_per_request") / mean("api", "server_cpu_ms_per_request"),
            3,
        ),
        "load_phases": phases,
        "load_api_kinds": {kind: percentiles_ms(d) for kind, d in sorted(pooled["api"].items())},
    }


def table(result: dict) -> str:
    lines = [
        "| phase | requests/s | p50 ms | p95 ms | p99 ms | CPU ms/request: workers + "
        "PostgreSQL | errors | load average |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in result["load_phases"]:
        lines.append(
            f"| {p['server']} | {p['requests_per_s']} | {p['p50']} | {p['p95']} | {p['p99']} | "
            f"{p['workers_cpu_ms_per_request']} + {p.get('database_cpu_ms_per_request', 0)} | "
            f"{p['errors']} | "
            f"{p['load_average_1min'][0]}-{p['load_average_1min'][1]} |"
        )
    lines += [
        "",
        "| API under load | p50 ms | p95 ms | p99 ms | n |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, v in result["load_api_kinds"].items():
        lines.append(f"| {kind} | {v['p50']} | {v['p95']} | {v['p99']} | {v['n']} |")
    lines += ["", "| measure | value |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in result.items() if not isinstance(v, list | dict)]
    return "\n".join(lines)


def sequences(
    args: argparse.Namespace, queries: dict, article_ids: list[int], tags: list[str]
) -> list[list[tuple[str, str]]]:
    return [
        request_mix(queries, article_ids, tags, args.seed + 100 + i) for i in range(args.clients)
    ]


def main() -> None:
    import json

    import _common
    import archive
    import run

    from tests.live import free_port

    args = run.parser().parse_args()
    args.no_pg = True
    archive.prepare(args)
    _, queries, article_ids, tags = run.workload(args)
    port, env = args.ports or free_port(), run.api_environment()
    with gunicorn("newsapi.wsgi", env, port) as server:
        result = compare(args, port, server.pid, sequences(args, queries, article_ids, tags), env)
    result = {"articles": args.articles, "date": time.strftime("%Y-%m-%d"), **result}
    _common.RESULTS.mkdir(exist_ok=True)
    (_common.RESULTS / "load.json").write_text(json.dumps(result, indent=2))
    print(table(result))


if __name__ == "__main__":
    main()
