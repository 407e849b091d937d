from contextlib import nullcontext

from django.core.management.base import BaseCommand

from shuniu.search import registry
from shuniu.search.backends import get_backend
from shuniu.search.indexing import reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every registered model (or of the given app_label.model keys)."
        " Run it after switching SHUNIU_SEARCH_BACKEND."
    )

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", help="e.g. library.resource")

    def handle(self, *args, **options):
        backend = get_backend()
        # tantivy: one writer and one commit for the whole rebuild (readers see the old index until
        # then); a full rebuild also drops entries of records the index was never told about.
        bulk = getattr(backend, "bulk", None)
        with bulk(clear=not options["models"]) if bulk else nullcontext():
            for searchable in registry.registered():
                if options["models"] and searchable.key not in options["models"]:
                    continue
                count = reindex(searchable.model)
                self.stdout.write(f"{searchable.key}: {count} records indexed")
