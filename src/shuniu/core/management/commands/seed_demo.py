from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shuniu.core.seeding import DEMO_PASSWORD, DEMO_USERS, SeedContext, is_seeded, seed_all


class Command(BaseCommand):
    help = "Load the demo district (only when the database has none yet, unless --force on an empty one)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data exists (for make run).")
        parser.add_argument("--seed", type=int, default=20261127)
        parser.add_argument("--logins-only", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        if options["logins_only"]:
            print_logins(self.stdout)
            return
        if is_seeded():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded; keeping the existing data.")
                print_logins(self.stdout)
                return
            raise CommandError("The database already has the demo district; use a fresh database to seed again.")
        self.stdout.write("Loading the demo district (one transaction)…")
        context = SeedContext(stdout=self.stdout, seed=options["seed"])
        seed_all(context)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(DEMO_USERS)} staff users."))
        print_logins(self.stdout)


def print_logins(stdout) -> None:
    from shuniu.core.permissions import Role

    stdout.write("")
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for demo in DEMO_USERS:
        stdout.write(f"  {demo.username:<22} {Role(demo.role).label:<28} {demo.organization}")
    stdout.write("Coordinator, organisation admins, auditor and system/security admins set up a TOTP")
    stdout.write("authenticator at first sign-in (the page shows a QR code and the key).")
