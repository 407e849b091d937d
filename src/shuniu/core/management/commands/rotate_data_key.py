"""`shuniu rotate-data-key`: re-encrypt every encrypted field under the newest data key.

Zero-downtime procedure (docs/security.md):
1. put the new key first: SHUNIU_DATA_KEY=<new>,<old> and restart the web and task processes —
   they now write with the new key and still read the old one;
2. run this command — it re-encrypts in small batches, each its own short transaction, so the
   platform keeps serving;
3. run it with --check; when it reports no value left under an old key, drop the old key.
Blind indexes use SHUNIU_INDEX_KEY, which this leaves alone, so lookups keep working throughout.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shuniu.core import crypto
from shuniu.core.audit import log_action
from shuniu.core.fields import EncryptedTextField


def encrypted_fields():
    for model in apps.get_models():
        fields = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if fields and not model._meta.proxy:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first key of SHUNIU_DATA_KEY (or --check what is left)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--check", action="store_true", help="Only count values not yet under the newest key.")

    def handle(self, *args, **options):
        newest = Fernet(settings.DATA_KEYS[0].encode())
        total = left = 0
        for model, fields in encrypted_fields():
            raw = model._base_manager.all()
            last_pk = 0
            while True:
                batch = list(
                    raw.filter(pk__gt=last_pk).order_by("pk").values_list("pk", *fields)[: options["batch_size"]]
                )
                if not batch:
                    break
                last_pk = batch[-1][0]
                if options["check"]:
                    left += self._count_old(model, fields, [row[0] for row in batch], newest)
                    continue
                with transaction.atomic():
                    for pk, *values in batch:
                        changes = {name: value for name, value in zip(fields, values, strict=True) if value}
                        if changes:
                            model._base_manager.filter(pk=pk).update(**changes)
                            total += 1
            self.stdout.write(f"  {model._meta.label}: {', '.join(fields)}")
        if options["check"]:
            if left:
                raise CommandError(f"{left} value(s) are still encrypted under an older key; run rotate-data-key")
            self.stdout.write(self.style.SUCCESS("every encrypted value uses the newest key"))
            return
        log_action("core.security.data_key_rotated", data={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} row(s) under the newest key"))

    def _count_old(self, model, fields, pks, newest) -> int:
        from django.db import connection

        table = model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
        placeholders = ", ".join(["%s"] * len(pks))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id IN ({placeholders})", pks)  # noqa: S608  # nosec B608
            rows = cursor.fetchall()
        old = 0
        for row in rows:
            for token in row:
                if token and token.startswith(crypto.PREFIX):
                    try:
                        newest.decrypt(token[len(crypto.PREFIX) :].encode())
                    except InvalidToken:
                        old += 1
        return old
