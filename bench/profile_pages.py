"""Where a page spends its CPU: requests through Django's test client (the full middleware stack and
the production settings of the benchmark), timed, counted and profiled with cProfile.

    SHUNIU_DATABASE_URL=... .venv/bin/python -m bench.profile_pages --pages queue detail search referrals
    ... --profile 20 --top 40        # cProfile of 20 requests of each page, top 40 by own time

Run it with the benchmark's environment (`bench.__main__.bench_env`): `python -m bench.profile_pages
--database-url postgres://.../shuniu_bench` sets that up itself.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pages(prepared: dict) -> dict[str, list[str]]:
    queue = prepared["queue"]
    return {
        "queue": [queue + "?tab=all"],
        "detail": [f"/rights/{pk}/" for pk in prepared["case_ids"][:50]],
        "search": prepared["search_paths"],
        "referrals": [prepared["referral_inbox"]],
        "lookup": prepared["person_lookup_paths"][:20],
        "api": [prepared["api_cases"]],
    }


def run(
    names: list[str], requests: int, profile: int, top: int, sort: str, callers: list[str], show_queries: bool = False
) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import prepare

    prepared = prepare.collect()
    cookie_name, _sep, cookie_value = prepared["caseworker_cookie"].partition("=")
    client = Client()
    client.cookies[cookie_name] = cookie_value
    token = prepared.get("api_token") or ""
    for name in names:
        paths = pages(prepared)[name]
        headers = {"Authorization": f"Bearer {token}"} if name == "api" else {}
        for path in paths[:3]:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        timings, cpu, queries = [], [], []
        for index in range(requests):
            path = paths[index % len(paths)]
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            queries.append(len(captured))
        print(
            f"{name:<10} median {statistics.median(timings):6.1f} ms  min {min(timings):6.1f} ms  "
            f"CPU of this process median {statistics.median(cpu):6.1f} ms  "
            f"queries {statistics.median(queries):.0f}  ({paths[0]})",
            flush=True,
        )
        if show_queries:
            with CaptureQueriesContext(connection) as captured:
                client.get(paths[0], headers=headers)
            for query in captured.captured_queries:
                print(f"   {float(query['time']) * 1000:6.2f} ms  {query['sql'][:400]}")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for index in range(profile):
                client.get(paths[index % len(paths)], headers=headers)
            profiler.disable()
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream).sort_stats(sort)
            stats.print_stats(top)
            for name in callers:
                stats.print_callers(name)
            print(stream.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=["queue", "detail", "search", "referrals"])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, help="profile this many requests of each page")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--callers", nargs="*", default=[], help="also show who calls these functions")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request of each page")
    parser.add_argument("--database-url", help="run with the benchmark's settings against this database")
    args = parser.parse_args()
    if args.database_url and "SHUNIU_BENCH_CHILD" not in os.environ:
        from bench.__main__ import bench_env

        env = bench_env(args.database_url)
        env["SHUNIU_BENCH_CHILD"] = "1"
        env["SHUNIU_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        sys.exit(
            subprocess.run([sys.executable, "-m", "bench.profile_pages", *sys.argv[1:]], env=env, cwd=ROOT).returncode
        )
    run(args.pages, args.requests, args.profile, args.top, args.sort, args.callers, args.queries)


if __name__ == "__main__":
    main()
