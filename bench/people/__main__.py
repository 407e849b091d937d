"""Run the identity-resolution benchmark: Shuniu's resolver and splink (DuckDB) on the same
synthetic records, with pairwise precision, recall, F1 and time; JSON to bench/results/people.json.

    .venv/bin/python -m bench.people                 # 100k records
    .venv/bin/python -m bench.people --records 1000000
    .venv/bin/python -m bench.people --records 20000 --no-splink

`single_registrant_check` here is the in-memory analogue (a dict of blocks); the registry's own
check in the database (indexed blind-index columns, PostgreSQL) is measured by
`python -m bench.people.registry_check --people 1000000` (bench/results/people-registry-check.json).
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.people")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-splink", action="store_true", help="skip splink (e.g. when it is not installed)")
    parser.add_argument("--output", default=str(Path(__file__).resolve().parent.parent / "results" / "people.json"))
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    import django

    django.setup()
    from bench.people.generate import generate, true_pairs
    from bench.people.resolvers import evaluate, run_shuniu, run_splink, single_check

    started = time.perf_counter()
    records, truth = generate(args.records, seed=args.seed)
    truth_pairs = true_pairs(truth)
    generated = time.perf_counter() - started
    print(
        f"{len(records)} records, {len(set(truth.values()))} people, {len(truth_pairs)} true pairs ({generated:.1f}s)"
    )

    result = {
        "benchmark": "people identity resolution",
        "records": len(records),
        "people": len(set(truth.values())),
        "true_pairs": len(truth_pairs),
        "seed": args.seed,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_start": [round(value, 1) for value in os.getloadavg()],
        "resolvers": {},
    }
    shuniu = run_shuniu(records)
    result["resolvers"]["shuniu"] = {
        "seconds": round(shuniu["seconds"], 2),
        "cpu_seconds": round(shuniu["cpu_seconds"], 2),
        "likely": evaluate(shuniu["likely"], truth_pairs),
        "likely_or_possible": evaluate(shuniu["likely"] | shuniu["possible"], truth_pairs),
    }
    print("shuniu", json.dumps(result["resolvers"]["shuniu"], ensure_ascii=False))
    result["single_registrant_check"] = single_check(records)
    print("single check", result["single_registrant_check"])
    if not args.no_splink:
        try:
            splink = run_splink(records)
        except ImportError as error:
            result["resolvers"]["splink"] = {"error": f"splink not installed: {error}"}
        else:
            result["resolvers"]["splink"] = {
                "version": splink["version"],
                "seconds": round(splink["seconds"], 2),
                "cpu_seconds": round(splink["cpu_seconds"], 2),
                "p_ge_0.9": evaluate(splink["pairs_90"], truth_pairs),
                "p_ge_0.5": evaluate(splink["pairs_50"], truth_pairs),
            }
        print("splink", json.dumps(result["resolvers"]["splink"], ensure_ascii=False))
    result["load_average_at_end"] = [round(value, 1) for value in os.getloadavg()]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
