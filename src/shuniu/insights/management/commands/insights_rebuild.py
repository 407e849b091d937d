"""`shuniu insights_rebuild`: rebuild the cockpit's aggregate tables from the records (after a bulk
import or restore); `--incremental` only brings them up to date, as the schedule does."""

import time

from django.core.management.base import BaseCommand

from shuniu.insights.aggregates import refresh


class Command(BaseCommand):
    help = "Rebuild the cockpit's pre-aggregated tables from the records."

    def add_arguments(self, parser):
        parser.add_argument("--incremental", action="store_true", help="only the months touched since the last run")

    def handle(self, *args, **options):
        started = time.perf_counter()
        written = refresh(full=not options["incremental"])
        rows = ", ".join(f"{part} {count}" for part, count in written.items())
        self.stdout.write(f"aggregate rows written: {rows} ({time.perf_counter() - started:.1f} s)")
