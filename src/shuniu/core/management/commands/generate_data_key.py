from django.core.management.base import BaseCommand

from shuniu.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for SHUNIU_DATA_KEY (keep it secret; losing it loses the encrypted data)."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
