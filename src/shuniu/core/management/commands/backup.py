from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shuniu.core.audit import log_action
from shuniu.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one .tar.gz archive (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive path (default var/backups/shuniu-<time>.tar.gz)")

    def handle(self, *args, **options):
        output = Path(
            options["output"] or Path(settings.VAR_DIR) / "backups" / f"shuniu-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            manifest = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["counts"].values())
        log_action("core.backup.created", data={"file": output.name, "rows": rows})
        self.stdout.write(self.style.SUCCESS(f"backup written to {output} ({rows} rows)"))
