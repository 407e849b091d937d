from django.core.management.base import BaseCommand, CommandError

from shuniu.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `shuniu audit verify` recomputes the hash chain and reports tampering."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        checked, problems = verify_chain()
        if problems:
            for problem in problems[:50]:
                where = f"entry {problem.entry_id}" if problem.entry_id else "chain"
                self.stderr.write(f"TAMPERED {where}: {problem.message}")
            raise CommandError(f"audit chain verification FAILED: {len(problems)} problem(s) in {checked} entries")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries verified"))
