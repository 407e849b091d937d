import json
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from shuniu.core.scale import ScaleGenerator
from shuniu.core.seeding import SeedContext, is_seeded, seed_all


class Command(BaseCommand):
    help = "Generate synthetic data at scale on top of the demo district (people, cases, events, referrals)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", help="write the rows-per-second report to this file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if not is_seeded():
            self.stdout.write("Loading the demo district first…")
            seed_all(SeedContext(stdout=self.stdout))
        generator = ScaleGenerator(options["seed"], self.stdout)
        people = generator.people(options["people"])
        if options["cases"]:
            generator.cases(options["cases"], people)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        total = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"seed-scale done in {total:.1f} s ({connection.vendor})"))
        for line in generator.report.lines():
            self.stdout.write(line)
        if options["json"]:
            with open(options["json"], "w") as handle:
                json.dump(
                    {
                        "engine": connection.vendor,
                        "seconds": total,
                        "rows": generator.report.rows,
                        "tables": generator.report.tables,
                        "rows_per_second": {
                            k: generator.report.rows[k] / max(v, 1e-6) for k, v in generator.report.seconds.items()
                        },
                    },
                    handle,
                    indent=1,
                )
        if apps.is_installed("shuniu.insights"):
            # The cockpit reads pre-aggregated tables: rebuild them from the bulk-loaded records
            # (timed apart from the generation figures above).
            from shuniu.insights.aggregates import rebuild

            aggregates_started = time.perf_counter()
            rebuild()
            self.stdout.write(f"cockpit aggregates rebuilt in {time.perf_counter() - aggregates_started:.1f} s")
