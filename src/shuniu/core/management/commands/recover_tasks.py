from datetime import timedelta

from django.core.management.base import BaseCommand

from shuniu.core.taskqueue import recover_stale_tasks


class Command(BaseCommand):
    help = "Put tasks left RUNNING by a dead worker back in the queue (tasks are idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=15)

    def handle(self, *args, **options):
        count = recover_stale_tasks(timedelta(minutes=options["older_than_minutes"]))
        self.stdout.write(f"recovered {count} task(s)")
