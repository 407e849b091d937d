"""Soak test: mixed traffic against the real server for a bounded time, on loopback only.

    .venv/bin/python -m bench.soak --minutes 10        (after `make bench` made the database)

Staff pages, case details, the public portal and the API in one rotation, 16 connections; the run
passes when no request failed (socket errors or HTTP status ≥ 400). Writes bench/results/soak.json.
"""

import argparse
import json
import subprocess
import sys

from bench.__main__ import RESULTS, ROOT, bench_env
from bench.web import Scenario, Server, run_wrk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shuniu_bench")
    parser.add_argument("--port", type=int, default=8310)
    args = parser.parse_args()
    env = bench_env(args.database_url)
    prepared = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.prepare"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    paths = [
        prepared["queue"] + "?tab=all",
        prepared["referral_inbox"],
        *prepared["search_paths"][:2],
        *[f"/rights/{pk}/" for pk in prepared["case_ids"][:50]],
        *prepared["person_lookup_paths"][:10],
        "/home/",
        "/inbox/",
    ]
    # One cookie for the staff rotation; the portal pages need none and ignore it.
    paths += ["/", "/portal/training/", "/portal/library/"]
    scenario = Scenario("soak mixed", paths, cookie=prepared["caseworker_cookie"])
    with Server(env, args.port, 2) as server:
        row = run_wrk(
            f"http://127.0.0.1:{args.port}",
            scenario,
            connections=args.connections,
            threads=2,
            duration=int(args.minutes * 60),
        )
        row["memory"] = server.peak_rss()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(row, ensure_ascii=False, indent=1))
    print(json.dumps(row, ensure_ascii=False))
    return 0 if "error" not in row and row["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
