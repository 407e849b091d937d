from django.core.management.base import BaseCommand

from shuniu.search import registry
from shuniu.search.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the search index of every registered model (or of the given app_label.model keys)."

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", help="e.g. library.resource")

    def handle(self, *args, **options):
        for searchable in registry.registered():
            if options["models"] and searchable.key not in options["models"]:
                continue
            count = reindex(searchable.model)
            self.stdout.write(f"{searchable.key}: {count} records indexed")
