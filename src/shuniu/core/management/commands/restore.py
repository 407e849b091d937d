from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shuniu.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into the configured (empty) database, then compare counts and ledger sums."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="overwrite a database that already has data")

    def handle(self, *args, **options):
        try:
            expected, actual = restore_backup(Path(options["archive"]), force=options["force"])
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        differences = [
            f"{table}: expected {count}, found {actual['counts'].get(table)}"
            for table, count in expected["counts"].items()
            if actual["counts"].get(table) != count
        ] + [
            f"ledger {label}: expected {total}, found {actual['ledger_sums'].get(label)}"
            for label, total in expected["ledger_sums"].items()
            if actual["ledger_sums"].get(label) != total
        ]
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError("restore drill FAILED: the restored data differs from the backup")
        rows = sum(actual["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"restored: {len(actual['counts'])} tables, {rows} rows and {len(actual['ledger_sums'])} ledger sum(s) "
                "identical to the backup"
            )
        )
