"""`shuniu serve`: the web server (granian) and the task worker(s), stopped together."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with granian and run the task worker(s) beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="web worker processes")
        parser.add_argument("--task-workers", type=int, default=1, help="task worker processes (0 for none)")

    def handle(self, *args, **options):
        children: list[subprocess.Popen] = []
        python = sys.executable
        if settings.TASK_BACKEND == "database":
            from shuniu.core.taskqueue import recover_stale_tasks, schedule_recovery

            recovered = recover_stale_tasks()
            if recovered:
                self.stdout.write(f"put {recovered} task(s) left running by a stopped worker back in the queue")
            schedule_recovery()
            from shuniu.core.schedule import ensure_scheduled

            started = ensure_scheduled()
            if started:
                self.stdout.write(f"scheduled recurring job(s): {', '.join(started)}")
            for number in range(options["task_workers"]):
                children.append(
                    subprocess.Popen(  # noqa: S603 - our own interpreter and command
                        [python, "-m", "shuniu", "db_worker", "--no-reload", "--worker-id", f"worker-{number + 1}"]
                    )
                )
        web = subprocess.Popen(  # noqa: S603
            [
                python,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--workers",
                str(options["workers"]),
                "--no-ws",
                "shuniu.wsgi:application",
            ]
        )
        children.append(web)
        self.stdout.write(
            f"Shuniu is serving on http://{options['host']}:{options['port']} "
            f"with {options['task_workers']} task worker(s). Press Ctrl+C to stop."
        )

        def stop(*_args):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
