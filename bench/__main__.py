"""`make bench` — the benchmark suite, one command. Writes bench/results/bench.json and bench.md.

    .venv/bin/python -m bench                  # 100k people and cases on PostgreSQL
    .venv/bin/python -m bench --size 1000000   # a million
    .venv/bin/python -m bench --reuse          # keep the generated database from the last run

Steps: a fresh PostgreSQL database → migrate → demo district + `seed-scale` (rows/s reported) →
the real server (granian, --workers) with a task worker → wrk load per scenario (throughput,
p50/p95/p99) → peak memory of the workers → the identity-resolution and search benchmarks of
bench/people and bench/search when present. Everything stays on 127.0.0.1.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.web import WARMUP_SECONDS, Scenario, Server, run_wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
KEYS = ROOT / "var" / "bench" / "keys.json"


def bench_env(database_url: str) -> dict:
    """Production settings with keys kept between runs (the data is encrypted with them)."""
    KEYS.parent.mkdir(parents=True, exist_ok=True)
    if not KEYS.exists():
        import secrets

        from cryptography.fernet import Fernet

        KEYS.write_text(
            json.dumps(
                {
                    "secret": secrets.token_urlsafe(48),
                    "data": Fernet.generate_key().decode(),
                    "index": secrets.token_urlsafe(40),
                }
            )
        )
    keys = json.loads(KEYS.read_text())
    return {
        **os.environ,
        "SHUNIU_ENV": "production",
        "SHUNIU_SECRET_KEY": keys["secret"],
        "SHUNIU_DATA_KEY": keys["data"],
        "SHUNIU_INDEX_KEY": keys["index"],
        "SHUNIU_DATABASE_URL": database_url,
        "SHUNIU_SECURE_SSL": "0",
        "SHUNIU_VAR_DIR": str(ROOT / "var" / "bench"),
        "SHUNIU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Several web workers share cache and sessions in Redis, as the README's deployment does.
        "SHUNIU_REDIS_URL": os.environ.get("SHUNIU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
    }


def shuniu(env: dict, *args: str, timeout: int = 7200) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shuniu", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )


def recreate_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def web_scenarios(prepared: dict) -> list[Scenario]:
    worker, coordinator = prepared["caseworker_cookie"], prepared["coordinator_cookie"]
    cases = prepared["case_ids"] or []
    scenarios = [
        Scenario("case queue", [prepared["queue"] + "?tab=all"], cookie=worker),
        Scenario("case detail", [f"/rights/{pk}/" for pk in cases[:500]], cookie=worker),
        Scenario("case search", prepared["search_paths"], cookie=worker),
        Scenario("referral inbox", [prepared["referral_inbox"]], cookie=worker),
        Scenario("person lookup", prepared["person_lookup_paths"], cookie=worker),
    ]
    if prepared.get("cockpit"):
        scenarios.append(Scenario("cockpit", [prepared["cockpit"]], cookie=coordinator))
    token = prepared.get("api_token") or ""
    if token and not token.startswith("ERROR"):
        scenarios.append(
            Scenario("API case list", [prepared["api_cases"]], headers={"Authorization": f"Bearer {token}"})
        )
    return [scenario for scenario in scenarios if scenario.paths and scenario.paths[0]]


def run_module(module: str, args: list[str], timeout: int) -> dict:
    if not (ROOT / "bench" / module.split(".")[-1]).exists():
        return {"skipped": f"{module} not present"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"},
    )
    return {
        "exit": result.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "tail": result.stdout[-1500:] if result.returncode == 0 else (result.stderr or result.stdout)[-1500:],
    }


PAIRS = [
    ("case queue", "helpdesk list rows"),
    ("case search", "helpdesk search rows"),
    ("case detail", "helpdesk detail"),
    ("cockpit", "helpdesk dashboard"),
]


def ratios(ours: list[dict], peer: list[dict], duration: int) -> list[dict]:
    by_name = {row["name"]: row for row in ours + peer if "error" not in row}
    result = []
    for mine, theirs in PAIRS:
        if mine in by_name and theirs in by_name:
            a, b = by_name[mine], by_name[theirs]
            if not b["requests"]:
                # The peer finished no request within the run (its latency is longer than the run):
                # it served less than one request per `duration` seconds, which bounds the ratios.
                result.append(
                    {
                        "shuniu": mine,
                        "peer": theirs,
                        "throughput_ratio": f"> {round(a['req_per_s'] * duration)}",
                        "p95_ratio": f"> {round(duration * 1000 / max(a['p95_ms'], 0.001), 1)}",
                        "note": "peer completed no request in the run",
                    }
                )
                continue
            result.append(
                {
                    "shuniu": mine,
                    "peer": theirs,
                    "throughput_ratio": round(a["req_per_s"] / max(b["req_per_s"], 0.001), 1),
                    "p95_ratio": round(b["p95_ms"] / max(a["p95_ms"], 0.001), 1),
                }
            )
    return result


def markdown(report: dict) -> str:
    lines = [
        f"# Benchmark — {report['size']:,} people and cases on {report['engine']}",
        "",
        f"Machine: {os.cpu_count()} cores; server: granian, {report['workers']} workers; "
        f"load: wrk, {report['connections']} connections, {report['duration']} s per scenario "
        f"(after {WARMUP_SECONDS} s of the same load, not counted).",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["web"]:
        if "error" in row:
            lines.append(f"| {row['name']} | — | — | — | — | {row['error'][:60]} |")
        else:
            lines.append(
                f"| {row['name']} | {row['req_per_s']} | {row['p50_ms']} | {row['p95_ms']} | "
                f"{row['p99_ms']} | {row['errors']} |"
            )
    for row in report.get("peer", []):
        if "error" in row:
            lines.append(f"| {row['name']} | — | — | — | — | {row['error'][:60]} |")
        else:
            lines.append(
                f"| {row['name']} | {row['req_per_s']} | {row['p50_ms']} | {row['p95_ms']} | "
                f"{row['p99_ms']} | {row['errors']} |"
            )
    if report.get("ratios"):
        lines += ["", "| Shuniu | django-helpdesk | throughput × | p95 × faster |", "|---|---|---:|---:|"]
        lines += [
            f"| {r['shuniu']} | {r['peer']} | {r['throughput_ratio']} | {r['p95_ratio']} |" for r in report["ratios"]
        ]
    generation = report.get("generation") or {}
    if generation:
        lines += [
            "",
            f"Data generation: {generation.get('seconds', 0):.0f} s; rows/s: "
            + ", ".join(f"{k} {v:,.0f}" for k, v in generation.get("rows_per_second", {}).items()),
        ]
    bulk = report.get("bulk") or {}
    if bulk.get("error"):
        lines += ["", f"Bulk benchmarks failed: {bulk['error'][-300:]}"]
    elif bulk:
        check, imported, ledger = bulk["excel_import"]["check"], bulk["excel_import"]["import"], bulk["ledger"]
        lines += [
            "",
            "| bulk | rows | seconds | rows/s | peak RSS MiB |",
            "|---|---:|---:|---:|---:|",
            f"| Excel import: check (preview) | {check['rows']:,} | {check['seconds']} | "
            f"{check['rows_per_second']:,} | {check['peak_rss_mib']} |",
            f"| Excel import: import (created + linked) | {imported['created'] + imported['linked']:,} | "
            f"{imported['seconds']} | {imported['rows_per_second']:,} | {imported['peak_rss_mib']} |",
            f"| ledger posting ({ledger['batches']} batches of {ledger['batch_size']}) | {ledger['entries']:,} | "
            f"{ledger['seconds']} | {ledger['rows_per_second']:,} | {ledger['peak_rss_mib']} |",
            "",
            f"Workbook: {bulk['workbook']['rows']:,} rows, {bulk['workbook']['file_mib']} MiB (.xlsx); the import "
            f"process grew by {bulk['excel_import']['peak_rss_growth_mib']} MiB over its "
            f"{bulk['excel_import']['rss_before_mib']} MiB at start (the reader streams). Ledger balanced: "
            f"{'yes' if ledger['balanced'] else 'NO'} ({', '.join(k for k, v in ledger['checks'].items() if v)}).",
        ]
        if bulk.get("separate_run"):
            lines.append(
                "(Bulk figures from a separate `python -m bench.bulk` run; load average then "
                f"{bulk.get('load_average_at_end')}.)"
            )
    for key, title in (("identity_resolution", "Identity resolution"), ("search", "Search")):
        extra = report.get(key) or {}
        if extra.get("tail"):
            summary = [line for line in extra["tail"].splitlines() if line.strip() and not line.startswith(" ")]
            heading = f"{title} ({extra.get('seconds')} s, exit {extra.get('exit')}):"
            lines += ["", heading, "", "```", *summary[-8:], "```"]
    if report.get("run_seconds"):
        lines += [
            "",
            f"Run time: {report['run_seconds'] // 60} min {report['run_seconds'] % 60} s"
            + (" (database reused: generation not included)" if "reused" in (report.get("generation") or {}) else "")
            + f"; load average at the end: {report.get('load_average_at_end')} on {os.cpu_count()} cores.",
        ]
    memory = report.get("memory") or {}
    if memory:
        lines += [
            "",
            f"Peak RSS: web workers {memory.get('web_workers_mib')} MiB, task worker "
            f"{memory.get('task_worker_mib')} MiB.",
        ]
    return "\n".join(lines) + "\n"


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="people and cases to generate")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shuniu_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--skip-extra", action="store_true", help="skip the identity-resolution and search benches")
    parser.add_argument("--skip-peer", action="store_true", help="skip django-helpdesk side by side")
    parser.add_argument("--skip-bulk", action="store_true", help="skip the Excel import and ledger benchmarks")
    parser.add_argument("--bulk-rows", type=int, default=100_000, help="rows of the Excel import and disbursements")
    parser.add_argument(
        "--extra-size",
        type=int,
        default=20_000,
        help="records/documents for the identity-resolution and search benches inside the suite "
        "(run bench.people / bench.search alone for 100k and 1M)",
    )
    args = parser.parse_args()
    run_started = time.perf_counter()
    RESULTS.mkdir(parents=True, exist_ok=True)
    # bench.json/bench.md for the default 100k run; other sizes get their own files (bench-1m.json).
    suffix = "" if args.size == 100_000 else f"-{size_label(args.size)}"
    env = bench_env(args.database_url)
    report = {
        "size": args.size,
        "engine": "postgresql",
        "workers": args.workers,
        "connections": args.connections,
        "duration": args.duration,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if not args.reuse:
        print(f"== fresh database, migrate, seed {args.size:,} people and cases", flush=True)
        recreate_database(args.database_url)
        shuniu(env, "migrate", "--noinput", "-v0")
        generation_file = RESULTS / f"generation{suffix}.json"
        shuniu(env, "seed_scale", "--people", str(args.size), "--cases", str(args.size), "--json", str(generation_file))
        report["generation"] = json.loads(generation_file.read_text())
    elif (RESULTS / f"generation{suffix}.json").exists():
        report["generation"] = {
            **json.loads((RESULTS / f"generation{suffix}.json").read_text()),
            "reused": True,
        }
    if args.reuse:
        shuniu(env, "migrate", "--noinput", "-v0")  # a reused database gets the migrations added since
    shuniu(env, "collectstatic", "--noinput", "-v0")
    prepared = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.prepare"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    report["web"] = []
    print("== web scenarios", flush=True)
    with Server(env, args.port, args.workers) as server:
        base = f"http://127.0.0.1:{args.port}"
        for scenario in web_scenarios(prepared):
            row = run_wrk(base, scenario, connections=args.connections, threads=2, duration=args.duration)
            print(f"   {row}", flush=True)
            report["web"].append(row)
        report["memory"] = server.peak_rss()
    if not args.skip_peer:
        from bench.peer.compare_helpdesk import run as run_helpdesk

        print("== django-helpdesk side by side", flush=True)
        report["peer"] = run_helpdesk(
            args.size,
            port=args.port + 1,
            workers=args.workers,
            connections=args.connections,
            duration=args.duration,
            reuse=args.reuse,
        )
        report["ratios"] = ratios(report["web"], report["peer"], args.duration)
    if not args.skip_bulk:
        from bench.bulk import run as run_bulk

        print(f"== bulk: Excel import and ledger posting of {args.bulk_rows:,} rows", flush=True)
        bulk_url = args.database_url.rsplit("/", 1)[0] + "/shuniu_bench_bulk"
        try:
            report["bulk"] = run_bulk(args.bulk_rows, bulk_url)
        except (RuntimeError, subprocess.SubprocessError) as error:
            report["bulk"] = {"error": str(error)[-1500:]}
        print(f"   {json.dumps(report['bulk'], ensure_ascii=False)[:600]}", flush=True)
    elif (RESULTS / "bulk.json").exists():
        # `python -m bench.bulk` run on its own (e.g. while the web benchmark ran): its last result.
        report["bulk"] = {**json.loads((RESULTS / "bulk.json").read_text()), "separate_run": True}
    if not args.skip_extra:
        size = str(args.extra_size)
        report["identity_resolution"] = run_module("bench.people", ["--records", size], timeout=3600)
        report["search"] = run_module("bench.search", ["--docs", size], timeout=3600)
    report["run_seconds"] = round(time.perf_counter() - run_started)
    report["load_average_at_end"] = [round(value, 1) for value in os.getloadavg()]
    (RESULTS / f"bench{suffix}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    (RESULTS / f"bench{suffix}.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
