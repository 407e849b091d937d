"""The check of one new registrant against the registry in the database (PostgreSQL), as staff
register someone: `shuniu.people.resolution.candidates_for`, a handful of indexed lookups on the
blind-indexed blocking keys, then scoring of the few people found.

    SHUNIU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuniu_people \\
        .venv/bin/python -m bench.people.registry_check --people 1000000 --probes 500

Loads the synthetic records (bench.people.generate) as Person rows (encrypted, blind-indexed, as
the registry stores them; skipped when the table already holds them, --reload to force), then
times `--probes` new registrants: half are another organisation's version of someone in the table
(homophone, swapped digits, missing fields, moved address — their true match is known), half are
people not in it. Writes p50/p95/p99/max and how often the true match was proposed.
"""

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

BATCH = 5000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def load(records, *, reload: bool) -> tuple[dict[int, int], float]:
    """Person rows for `records`; returns (record key → person pk, seconds)."""
    from django.db import connection, transaction

    from shuniu.core import bulk
    from shuniu.people.models import Gender, Person

    started = time.perf_counter()
    existing = Person.objects.count()
    if existing == len(records) and not reload:
        pks = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        return {record.key: pk for record, pk in zip(records, pks, strict=True)}, 0.0
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_person RESTART IDENTITY CASCADE")
    # COPY through core.bulk (as seed-scale loads): every field's pre_save runs, so the rows are
    # encrypted and carry every blind-indexed blocking key, exactly as registration stores them.
    first = bulk.reserve_ids(Person, len(records))
    mapping = {}
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        people = [
            Person(
                id=first + start + offset,
                name=record.name,
                id_number=record.id_number,
                birth_date=record.birth_date,
                gender=record.gender or Gender.UNKNOWN,
                phone=record.phone,
                address=record.address,
            )
            for offset, record in enumerate(chunk)
        ]
        with transaction.atomic():
            bulk.insert(Person, people)
        for record, person in zip(chunk, people, strict=True):
            mapping[record.key] = person.pk
        if start // BATCH % 20 == 0:
            print(f"  loaded {start + len(chunk)} people ({time.perf_counter() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
    return mapping, time.perf_counter() - started


def pad(target: int, people: int) -> float:
    """Fill the table up to `target` rows in SQL (PostgreSQL): copies of the loaded people's name,
    name key, gender and birth date — so the name + birth-year and surname + birth-date blocks grow
    as they would with `target` real people — with random values in every blind-index column and no
    ID number, phone or address (they never match a probe on those keys). Returns seconds."""
    from django.db import connection

    missing = target - people
    if missing <= 0:
        return 0.0
    started = time.perf_counter()
    copies = -(-missing // people)
    columns = ", ".join(
        f"{name}_index"
        for name in ("id_number", "phone", "address", "id_fragment", "id_digits", "name_phone", "name_community")
    )
    randoms = ", ".join("md5(random()::text) || md5(random()::text)" for _ in range(7))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO people_person (name, name_key, gender, birth_date, id_number, phone, address,
                relation_to_head, created_at, updated_at, {columns})
            SELECT p.name, p.name_key, p.gender, p.birth_date, '', '', '', '', now(), now(), {randoms}
            FROM (SELECT * FROM people_person ORDER BY id LIMIT %s) p CROSS JOIN generate_series(1, %s) copy
            LIMIT %s
            """,
            [people, copies, missing],
        )
        cursor.execute("ANALYZE people_person")
    return time.perf_counter() - started


def probes(records, truth, count: int, seed: int = 7):
    """(record, true person pk or None): variants of people in the table, and people not in it."""
    from bench.people.generate import generate
    from shuniu.people.synthetic import near_duplicate

    rng = random.Random(seed)
    originals = {}
    for record in records:
        originals.setdefault(truth[record.key], record)
    chosen = rng.sample(list(originals.values()), k=count // 2)
    out = [(near_duplicate(record, rng, key=None), record.key) for record in chosen]
    strangers, _truth = generate(count - len(out), seed=seed + 1000)
    out += [(record, None) for record in strangers[: count - len(out)]]
    rng.shuffle(out)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.people.registry_check")
    parser.add_argument("--people", type=int, default=1_000_000, help="records in the table (synthetic)")
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument(
        "--pad-to",
        type=int,
        default=0,
        help="fill the table up to this many rows in SQL (see pad()): a million rows when loading a "
        "million through the ORM takes hours on a shared machine",
    )
    parser.add_argument(
        "--output",
        default=str(Path(__file__).resolve().parent.parent / "results" / "people-registry-check.json"),
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.people.generate import generate
    from shuniu.people import resolution

    call_command("migrate", verbosity=0)
    records, truth = generate(args.people, seed=args.seed)
    print(f"{len(records)} records; loading into {connection.vendor} …", flush=True)
    mapping, load_seconds = load(records, reload=args.reload or bool(args.pad_to))
    pad_seconds = pad(args.pad_to, len(records)) if args.pad_to else 0.0
    print(f"loaded in {load_seconds:.0f}s, padded in {pad_seconds:.0f}s", flush=True)
    group = {}
    for key, person in truth.items():
        group.setdefault(person, set()).add(mapping[key])
    checks = probes(records, truth, args.probes)
    for record, _true in checks[:20]:  # warm the connection, caches and the pinyin tables
        resolution.candidates_for(record)
    timings, found_true, with_truth, proposals = [], 0, 0, 0
    for record, true_key in checks:
        started = time.perf_counter()
        found = resolution.candidates_for(record)
        timings.append(time.perf_counter() - started)
        proposals += len(found)
        if true_key is not None:
            with_truth += 1
            wanted = group[truth[true_key]]
            if any(person.pk in wanted for person, _score in found):
                found_true += 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person")
        (rows,) = cursor.fetchone()
    result = {
        "benchmark": "people single registrant check (database)",
        "database": connection.vendor,
        "people_in_table": rows,
        "people_loaded": len(records),
        "padding_rows": rows - len(records),
        "load_seconds": round(load_seconds, 1),
        "pad_seconds": round(pad_seconds, 1),
        "probes": len(checks),
        "probes_with_a_true_match": with_truth,
        "true_match_proposed": round(found_true / with_truth, 4) if with_truth else None,
        "proposals_per_check": round(proposals / len(checks), 2),
        "p50_ms": round(_percentile(timings, 0.50) * 1000, 2),
        "p95_ms": round(_percentile(timings, 0.95) * 1000, 2),
        "p99_ms": round(_percentile(timings, 0.99) * 1000, 2),
        "max_ms": round(max(timings) * 1000, 2),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
