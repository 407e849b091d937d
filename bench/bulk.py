"""Bulk benchmarks: an Excel import of N people and the ledger posting of N disbursements.

    .venv/bin/python -m bench.bulk --rows 100000     # on its own database (shuniu_bench_bulk)

Both go through the application's own code paths, as the task worker runs them:

- **import**: a realistic .xlsx (title row, the people importer's headers, valid ID numbers,
  phones, communities of the district, categories, about 1% faulty rows) is uploaded as an
  `ImportJob`; `open_upload` reads the header, `save_mapping` confirms the columns, `analyse` checks
  every row (the preview), `confirm_import` + `run_import` import the valid rows in one
  transaction. Reported: rows/s of each step and the peak RSS of the process against its RSS
  before reading the file (the reader streams, so the growth stays far below the file's size
  once unpacked).
- **ledger**: N applications in public notice (the notice ended) for one programme with a budget;
  they are paid through `relief.services.create_batch` + `pay_batch` (prepared by one person,
  confirmed by another) in batches. Reported: rows/s, and the correctness check afterwards — the
  ledger sum equals the applications' amounts and the batch totals, the budget's remaining money
  equals its amount minus that sum, every application is paid exactly once, and paying a paid
  batch again adds nothing.

Each step runs in its own process (peak RSS per step); the driver prints one JSON object.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "bulk"
RESULTS = ROOT / "bench" / "results"
IMPORT_USER = "women_caseworker"
LEDGER_PREPARER = "women_caseworker"
LEDGER_PAYER = "women_supervisor"
LEDGER_BATCH = 1000


def rss_mib() -> float:
    """Current resident memory of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    import django

    django.setup()


# --- the workbook ------------------------------------------------------------------------------------


def make_workbook(rows: int, path: Path, seed: int = 7) -> dict:
    """A district list as offices keep them: a title row, the importer's headers, N people."""
    import random
    from datetime import date, timedelta

    from openpyxl import Workbook

    from shuniu.core.models import Region, RegionLevel
    from shuniu.core.scale import GIVEN, SURNAMES
    from shuniu.core.validators import id_check_character
    from shuniu.people.importing import EXPORT_COLUMNS

    started = time.perf_counter()
    rng = random.Random(seed)
    communities = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY, parent__isnull=False).select_related("parent").order_by("id")
    )
    categories = ["困难群众", "困难职工", "残疾人", "留守儿童", "单亲家庭", "独居老人", "低保户", "失业人员", ""]
    relations = ["户主", "配偶", "子女", "父母", ""]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员名单")
    sheet.append(["2026年度困难群众帮扶名册（基准测试）"])
    sheet.append([label for _field, label in EXPORT_COLUMNS])
    faulty = 0
    for number in range(1, rows + 1):
        community = rng.choice(communities)
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        first17 = f"{community.code[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = first17 + id_check_character(first17)
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        if number % 100 == 0:  # about 1% of the rows have a mistake an office makes
            faulty += 1
            if number % 200 == 0:
                phone = phone[:8]
            else:
                id_number = id_number[:17] + ("0" if id_number[17] != "0" else "1")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        category = rng.choice(categories)
        if category and rng.random() < 0.2:
            category += "、" + rng.choice(categories[:-1])
        sheet.append(
            [
                number,
                name,
                "男" if int(first17[16]) % 2 else "女",
                id_number,
                birth.isoformat(),
                phone,
                community.parent.name,
                community.name,
                f"{community.name}{rng.randrange(1, 40)}栋{rng.randrange(1, 30)}号",
                rng.choice(relations),
                category,
                f"{rng.randrange(1, 5)}级" if "残疾" in category else "",
            ]
        )
    workbook.save(path)
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "faulty_rows": faulty,
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "seconds": round(seconds, 1),
    }


# --- the import ------------------------------------------------------------------------------------------


def run_import_bench(path: Path) -> dict:
    from django.core.files import File

    from shuniu.core.models import User
    from shuniu.people import importing
    from shuniu.people.models import ImportJob, ImportRow, ImportStatus, Person

    actor = User.objects.get(username=IMPORT_USER)
    organization = actor.memberships.select_related("organization").first().organization
    people_before = Person.objects.count()
    baseline = rss_mib()
    result = {"rss_before_mib": baseline}

    started = time.perf_counter()
    with path.open("rb") as handle:
        job = ImportJob(organization=organization, created_by=actor, original_name=path.name)
        job.file.save(path.name, File(handle), save=True)
    importing.open_upload(job)
    importing.save_mapping(actor=actor, job=job, mapping=job.mapping)
    result["upload_and_mapping_s"] = round(time.perf_counter() - started, 2)

    started, cpu = time.perf_counter(), time.process_time()
    importing.analyse(job.pk)  # what analyse_import_task runs in the worker
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportStatus.READY:
        raise SystemExit(f"the check did not finish: {job.status} {job.error_message}")
    result["check"] = {
        "rows": job.total_rows,
        "valid": job.valid_rows,
        "warning": job.warning_rows,
        "rejected": job.rejected_rows,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "rows_per_second": round(job.total_rows / seconds),
        "peak_rss_mib": peak_rss_mib(),
    }

    started, cpu = time.perf_counter(), time.process_time()
    importing.confirm_import(actor=actor, job=job)
    importing.run_import(job.pk, actor.pk)  # what run_import_task runs in the worker
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportStatus.DONE:
        raise SystemExit(f"the import did not finish: {job.status} {job.error_message}")
    imported = job.created_count + job.linked_count
    result["import"] = {
        "created": job.created_count,
        "linked": job.linked_count,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "rows_per_second": round(imported / seconds),
        "peak_rss_mib": peak_rss_mib(),
    }
    result["people_added"] = Person.objects.count() - people_before
    result["rows_kept"] = ImportRow.objects.filter(job=job).count()
    result["peak_rss_growth_mib"] = round(peak_rss_mib() - baseline, 1)
    return result


# --- the ledger ------------------------------------------------------------------------------------------


def prepare_ledger(count: int) -> dict:
    """A programme with a budget and `count` applications in a notice that has ended (COPY)."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from shuniu.core import bulk
    from shuniu.core.models import User
    from shuniu.people.models import Person
    from shuniu.relief.models import (
        AmountMode,
        Application,
        BenefitType,
        Budget,
        FundingSource,
        Programme,
        PublicNotice,
        Status,
    )

    started = time.perf_counter()
    rng = random.Random(11)
    preparer = User.objects.get(username=LEDGER_PREPARER)
    organization = preparer.memberships.select_related("organization").first().organization
    now = timezone.now()
    person_ids = list(Person.objects.order_by("id").values_list("id", flat=True)[:count])
    if len(person_ids) < count:
        raise SystemExit(f"only {len(person_ids)} people to pay; import first")
    with transaction.atomic():
        programme = Programme.objects.create(
            code=f"bench-{now:%Y%m%d%H%M%S}",
            name=f"基准测试救助 {now:%Y%m%d%H%M%S}",
            organization=organization,
            funding_source=FundingSource.FISCAL,
            benefit_type=BenefitType.CASH,
            amount_mode=AmountMode.FIXED,
            base_amount=Decimal("500.00"),
            person_cap=Decimal("5000.00"),
            opens_on=now.date() - timedelta(days=60),
            closes_on=now.date() + timedelta(days=60),
            accepts_public_applications=False,
        )
        year = timezone.localtime(now).year
        amounts = [
            Decimal(rng.choice([300, 500, 800, 1000, 1200])) + Decimal(rng.randrange(100)) / 100 for _ in person_ids
        ]
        budget = Budget.objects.create(
            programme=programme,
            year=year,
            amount=sum(amounts) + Decimal("1000000.00"),
            funding_source=programme.funding_source,
        )
        notice = PublicNotice.objects.create(
            programme=programme,
            organization=organization,
            title="基准测试公示",
            starts_at=now - timedelta(days=10),
            ends_at=now - timedelta(days=3),
            created_by=preparer,
        )
        first = bulk.reserve_ids(Application, count)
        codes = set()

        def applications():
            for offset, (person_id, amount) in enumerate(zip(person_ids, amounts, strict=True)):
                code = Application._meta.get_field("code").default()
                while code in codes:
                    code = Application._meta.get_field("code").default()
                codes.add(code)
                yield Application(
                    id=first + offset,
                    code=code,
                    programme=programme,
                    organization=organization,
                    person_id=person_id,
                    year=year,
                    status=Status.IN_NOTICE,
                    current_step=2,
                    reason="基准测试",
                    monthly_income=Decimal("1200.00"),
                    amount=amount,
                    is_eligible=True,
                    notice=notice,
                    submitted_by=preparer,
                    created_at=now - timedelta(days=20),
                )

        bulk.insert(Application, applications())
    return {
        "programme_id": programme.pk,
        "budget_id": budget.pk,
        "applications": count,
        "seconds": round(time.perf_counter() - started, 1),
    }


def run_ledger_bench(programme_id: int, batch_size: int) -> dict:
    from decimal import Decimal

    from django.db.models import Sum

    from shuniu.core.models import User
    from shuniu.relief import services
    from shuniu.relief.models import Application, Budget, DisbursementBatch, LedgerEntry, Programme, Status

    programme = Programme.objects.get(pk=programme_id)
    budget = Budget.objects.get(programme=programme)
    preparer = User.objects.get(username=LEDGER_PREPARER)
    payer = User.objects.get(username=LEDGER_PAYER)
    expected = Application.objects.filter(programme=programme).aggregate(total=Sum("amount"))["total"]
    count = Application.objects.filter(programme=programme).count()
    baseline = rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    batches = 0
    last = 0
    while True:
        chunk = list(services.payable_applications(programme).filter(id__gt=last).order_by("id")[:batch_size])
        if not chunk:
            break
        last = chunk[-1].pk
        batch = services.create_batch(programme, chunk, actor=preparer, idempotency_key=f"bench-{programme.pk}-{last}")
        services.pay_batch(batch, actor=payer)
        batches += 1
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    entries = LedgerEntry.objects.filter(budget=budget)
    posted = entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    batch_totals = DisbursementBatch.objects.filter(programme=programme).aggregate(total=Sum("total"))["total"]
    entry_count = entries.count()
    paid = Application.objects.filter(programme=programme, status=Status.PAID).count()
    repaid = services.pay_batch(DisbursementBatch.objects.filter(programme=programme).first(), actor=payer)
    budget.refresh_from_db()
    checks = {
        "entries_equal_applications": entry_count == count,
        "every_application_paid": paid == count,
        "ledger_sum_equals_amounts": posted == expected,
        "ledger_sum_equals_batch_totals": posted == batch_totals,
        "remaining_equals_budget_minus_ledger": budget.remaining() == budget.amount - posted,
        "paying_again_adds_nothing": entries.count() == entry_count and repaid.status == "paid",
    }
    return {
        "entries": entry_count,
        "batches": batches,
        "batch_size": batch_size,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "rows_per_second": round(entry_count / seconds),
        "ledger_total": str(posted),
        "budget": str(budget.amount),
        "remaining": str(budget.remaining()),
        "balanced": all(checks.values()),
        "checks": checks,
        "rss_before_mib": baseline,
        "peak_rss_mib": peak_rss_mib(),
    }


# --- the driver -----------------------------------------------------------------------------------------------


def step(env: dict, *args: str, timeout: int = 3600) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.bulk", "--step", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.bulk {' '.join(args)} failed:\n{(result.stderr or result.stdout)[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(rows: int, database_url: str, *, fresh: bool = True) -> dict:
    """The whole bulk benchmark on its own database (so the web benchmark's data stays as generated)."""
    from bench.__main__ import bench_env, recreate_database, shuniu

    env = bench_env(database_url)
    report: dict = {"rows": rows, "database": database_url.rsplit("/", 1)[1]}
    started = time.perf_counter()
    if fresh:
        recreate_database(database_url)
        shuniu(env, "migrate", "--noinput", "-v0")
        shuniu(env, "seed_demo")
    report["setup_seconds"] = round(time.perf_counter() - started, 1)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"people-{rows}.xlsx"
    report["workbook"] = step(env, "workbook", str(rows), str(path))
    report["excel_import"] = step(env, "import", str(path))
    report["ledger_setup"] = step(env, "ledger-setup", str(rows))
    report["ledger"] = step(env, "ledger", str(report["ledger_setup"]["programme_id"]), str(LEDGER_BATCH))
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        name, *args = sys.argv[2:]
        setup_django()
        if name == "workbook":
            result = make_workbook(int(args[0]), Path(args[1]))
        elif name == "import":
            result = run_import_bench(Path(args[0]))
        elif name == "ledger-setup":
            result = prepare_ledger(int(args[0]))
        elif name == "ledger":
            result = run_ledger_bench(int(args[0]), int(args[1]))
        else:
            raise SystemExit(f"unknown step {name}")
        print(json.dumps(result, ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shuniu_bench_bulk")
    parser.add_argument("--reuse", action="store_true", help="keep the database (demo district already loaded)")
    args = parser.parse_args()
    report = run(args.rows, args.database_url, fresh=not args.reuse)
    report["load_average_at_end"] = [round(value, 1) for value in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bulk.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
