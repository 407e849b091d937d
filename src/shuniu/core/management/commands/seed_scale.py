import json
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from shuniu.core import scale_work
from shuniu.core.scale import ScaleGenerator
from shuniu.core.seeding import SeedContext, is_seeded, seed_all


def _or(value, default: int) -> int:
    return default if value is None else value


class Command(BaseCommand):
    help = (
        "Generate synthetic data at scale on top of the demo district: people and households, cases with "
        "events and referrals, relief applications with notices, batches and ledger, courses with sessions "
        "and enrolments, library documents; the cases and documents go into the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument(
            "--applications", type=int, default=None, help="relief applications (default: half the cases)"
        )
        parser.add_argument("--enrolments", type=int, default=None, help="course enrolments (default: half the people)")
        parser.add_argument("--documents", type=int, default=None, help="library documents (default: cases / 100)")
        parser.add_argument(
            "--no-index", action="store_true", help="leave the generated cases and documents out of the search index"
        )
        parser.add_argument(
            "--earlier",
            type=int,
            default=0,
            help="with --people 0 --cases 0: the size of an earlier run whose people and cases are in the "
            "database — adds households, applications, enrolments and documents to it and indexes its cases",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", help="write the rows-per-second report to this file")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if not is_seeded():
            self.stdout.write("Loading the demo district first…")
            seed_all(SeedContext(stdout=self.stdout))
        from shuniu.people.models import Person
        from shuniu.rights.models import RightsCase

        generator = ScaleGenerator(options["seed"], self.stdout)
        first_case, case_count = 0, options["cases"]
        if options["people"]:
            people = generator.people(options["people"])
        else:
            people = generator.existing(Person, options["earlier"])
            first_case, case_count = generator.existing(RightsCase, options["earlier"] if not case_count else 0)
        if people[1]:
            scale_work.households(generator, *people)
        if options["cases"]:
            first_case = generator.cases(options["cases"], people)
        count = case_count
        if people[1]:
            scale_work.applications(generator, people, _or(options["applications"], count // 2))
            scale_work.enrolments(generator, people, _or(options["enrolments"], people[1] // 2))
        documents = scale_work.documents(generator, _or(options["documents"], count // 100))
        if not options["no_index"]:
            from shuniu.library.models import Resource

            if case_count:
                scale_work.index(generator, RightsCase, first_case, first_case + case_count - 1, related=("category",))
            if documents:
                scale_work.index(generator, Resource, documents[0], documents[-1], related=("current_version",))
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
