"""Search benchmark: Shuniu's own search backends through `shuniu.search` — the in-database index
(SQLite FTS5 and PostgreSQL GIN) and tantivy (`SHUNIU_SEARCH_BACKEND=tantivy`) — side by side with
whoosh + jieba's ChineseAnalyzer on the same generated Chinese documents and queries, in one run.
Reports indexing throughput, query latency p50/p95 (top 20, ranked, with the permission filter of
a staff member of one organisation applied in the index) and recall against a brute-force
substring scan. JSON to bench/results/search.json.

    .venv/bin/python -m bench.search                      # 100k documents, all engines
    .venv/bin/python -m bench.search --million            # 1M documents
    .venv/bin/python -m bench.search --docs 20000 --engines sqlite,whoosh
Needs the `bench` extra for whoosh (pip install -e '.[bench]'); PostgreSQL at --pg-url.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEATS = 3


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def brute_force(count: int, seed: int) -> tuple[dict[str, set[int]], dict]:
    """The truth: visible documents containing every term of the query as a substring."""
    from bench.search.corpus import QUERIES, documents, visible
    from shuniu.search.tokenizer import normalize, parse_query

    terms = {query: [term.text for term in parse_query(query)] for query in QUERIES}
    truth = {query: set() for query in QUERIES}
    started = time.perf_counter()
    for document in documents(count, seed):
        if not visible(document):
            continue
        text = normalize(document.title + " " + document.body)
        for query, needed in terms.items():
            if all(term in text for term in needed):
                truth[query].add(document.id)
    seconds = time.perf_counter() - started
    return truth, {
        "scan_seconds_all_queries": round(seconds, 2),
        "per_query_ms": round(seconds / len(QUERIES) * 1000, 1),
    }


def measure(search, queries: list[str]) -> dict:
    latencies, per_query = [], []
    for query in queries:
        search(query, 20)  # warm the cache once
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            top = search(query, 20)
            times.append((time.perf_counter() - started) * 1000)
        latencies.extend(times)
        found = search(query, None)
        per_query.append({"query": query, "ms": round(statistics.median(times), 2), "top": len(top), "found": found})
    return {
        "latency_ms": {
            "p50": round(percentile(latencies, 0.5), 2),
            "p95": round(percentile(latencies, 0.95), 2),
            "max": round(max(latencies), 2),
        },
        "per_query": per_query,
    }


def run_engine(args) -> dict:
    """Child process: index and query with one engine; prints JSON."""
    from bench.search.corpus import QUERIES

    workdir = Path(args.workdir)
    if args.run == "whoosh":
        from bench.search.engines import WhooshEngine

        engine = WhooshEngine(workdir / args.run)
        (workdir / args.run).mkdir(parents=True, exist_ok=True)
        result = engine.index(args.docs, args.seed)
        engine.open()
        result.update(measure(engine.search, QUERIES))
        return result
    # Shuniu's own backends, through shuniu.search. tantivy keeps its entries (the truth its hits
    # are checked against) in SQLite.
    if args.run in ("sqlite", "tantivy"):
        os.environ["SHUNIU_DATABASE_URL"] = f"sqlite:///{workdir / 'search.sqlite3'}"
    else:
        os.environ["SHUNIU_DATABASE_URL"] = args.pg_url
    os.environ["SHUNIU_SEARCH_BACKEND"] = "tantivy" if args.run == "tantivy" else "database"
    os.environ["SHUNIU_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    import django

    django.setup()
    from bench.search.engines import database_index, database_search

    if args.reuse:  # the index of an earlier --keep run: measure the queries again
        result = {"index_seconds": None, "reused_index": str(workdir)}
    else:
        result = database_index(args.docs, args.seed)
    result.update(measure(database_search, QUERIES))
    return result


def recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="1,000,000 documents")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engines", default="sqlite,postgresql,tantivy,whoosh")
    parser.add_argument("--merge", action="store_true", help="keep other engines' results already in --output")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/shuniu_bench_search")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "search.json"))
    parser.add_argument("--keep", action="store_true", help="keep the engines' work directories")
    parser.add_argument("--reuse", help="query again the index kept (--keep) in this directory; one engine")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.million:
        args.docs = 1_000_000
    sys.path.insert(0, str(ROOT / "src"))

    if args.run:
        print(json.dumps(run_engine(args)))
        return 0

    from bench.search.corpus import QUERIES

    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    report = {
        "benchmark": "search",
        "documents": args.docs,
        "seed": args.seed,
        "queries": QUERIES,
        "persona": "staff member of organisation 5 (sees public, all-staff and own-organisation documents)",
        "latency": "top 20 ranked results incl. the permission filter; median of repeats per query, p50/p95 over all",
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "engines": {},
    }
    output = Path(args.output)
    if args.merge and output.exists():
        previous = json.loads(output.read_text(encoding="utf-8"))
        if previous.get("documents") == args.docs and previous.get("seed") == args.seed:
            report["engines"] = previous.get("engines", {})
    print(f"brute-force scan of {args.docs} documents…", flush=True)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    truth, report["brute_force"] = brute_force(args.docs, args.seed)
    report["matches_per_query"] = {query: len(ids) for query, ids in truth.items()}
    for engine in engines:
        if args.reuse:
            workdir = Path(args.reuse)
        else:
            workdir = Path(tempfile.mkdtemp(prefix=f"shuniu-bench-search-{engine}-"))
        if engine == "postgresql" and not args.reuse:
            recreate_postgres(args.pg_url)
        print(f"{engine}: indexing {args.docs} documents…", flush=True)
        command = [
            sys.executable, "-m", "bench.search", "--run", engine, "--docs", str(args.docs), "--seed", str(args.seed),
            "--workdir", str(workdir), "--pg-url", args.pg_url, *(["--reuse", args.reuse] if args.reuse else []),
        ]  # fmt: skip
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            report["engines"][engine] = {"error": completed.stderr[-2000:]}
            print(f"{engine}: failed\n{completed.stderr[-2000:]}", flush=True)
            if not (args.keep or args.reuse):
                shutil.rmtree(workdir, ignore_errors=True)
            continue
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        recalls, precisions = [], []
        for row in result["per_query"]:
            found = set(row.pop("found"))
            expected = truth[row["query"]]
            row["expected"] = len(expected)
            row["recall"] = round(len(found & expected) / len(expected), 4) if expected else 1.0
            row["precision"] = round(len(found & expected) / len(found), 4) if found else 1.0
            recalls.append(row["recall"])
            precisions.append(row["precision"])
        result["recall_mean"] = round(statistics.mean(recalls), 4)
        result["precision_mean"] = round(statistics.mean(precisions), 4)
        if result["index_seconds"]:
            result["docs_per_second"] = round(args.docs / result["index_seconds"], 1)
        size = sum(path.stat().st_size for path in workdir.rglob("*") if path.is_file())
        if engine == "tantivy":
            result["index_bytes"] = sum(
                path.stat().st_size for path in (workdir / "search-index").rglob("*") if path.is_file()
            )
        elif engine != "postgresql":
            result["index_bytes"] = size
        report["engines"][engine] = result
        print(
            f"{engine}: {result.get('docs_per_second')} docs/s, p50 {result['latency_ms']['p50']} ms,"
            f" p95 {result['latency_ms']['p95']} ms, recall {result['recall_mean']}",
            flush=True,
        )
        if args.keep:
            print(f"{engine}: kept {workdir}", flush=True)
        elif not args.reuse:
            shutil.rmtree(workdir, ignore_errors=True)
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
