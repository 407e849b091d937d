"""Web benchmark: the real server (granian, several workers) under concurrent load from wrk.

Each scenario is one page or endpoint, requested by `--connections` clients for `--duration`
seconds; wrk reports throughput and latency percentiles through a small Lua `done` hook.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DONE_HOOK = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"socket_errors":%d,"http_errors":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


WARMUP_SECONDS = 3


@dataclass
class Scenario:
    name: str
    paths: list[str]
    cookie: str = ""
    headers: dict | None = None


def lua_script(scenario: Scenario) -> str:
    lines = []
    if scenario.cookie:
        lines.append(f'wrk.headers["Cookie"] = "{scenario.cookie}"')
    for key, value in (scenario.headers or {}).items():
        lines.append(f'wrk.headers["{key}"] = "{value}"')
    paths = ", ".join(json.dumps(path) for path in scenario.paths)
    lines.append(f"paths = {{{paths}}}")
    lines.append("counter = 0")
    lines.append(
        "request = function() counter = counter + 1; return wrk.format('GET', paths[(counter % #paths) + 1]) end"
    )
    return "\n".join(lines) + DONE_HOOK


def check(base: str, scenario: Scenario) -> int:
    request = urllib.request.Request(base + scenario.paths[0])
    if scenario.cookie:
        request.add_header("Cookie", scenario.cookie)
    for key, value in (scenario.headers or {}).items():
        request.add_header(key, value)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_wrk(
    base: str, scenario: Scenario, *, connections: int, threads: int, duration: int, warmup: int = WARMUP_SECONDS
) -> dict:
    """`warmup` seconds of the same load first, not counted: the workers' first requests import
    code, open connections and fill caches, and would otherwise land in the first scenario's tail."""
    status = check(base, scenario)
    if status != 200:
        return {"name": scenario.name, "error": f"first request answered {status}, not 200"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(scenario))
    try:
        for seconds in ([warmup] if warmup else []) + [duration]:
            result = subprocess.run(
                [
                    "wrk",
                    f"-t{threads}",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "30s",
                    "-s",
                    script.name,
                    base,
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=seconds + 120,
            )
    finally:
        os.unlink(script.name)
    line = next((line for line in result.stdout.splitlines() if line.startswith("WRKJSON ")), None)
    if line is None:
        return {"name": scenario.name, "error": (result.stderr or result.stdout)[-500:]}
    data = json.loads(line[len("WRKJSON ") :])
    seconds = data["duration_us"] / 1e6
    return {
        "name": scenario.name,
        "requests": data["requests"],
        "req_per_s": round(data["requests"] / seconds, 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "errors": data["socket_errors"] + data["http_errors"],
        "connections": connections,
    }


class Server:
    """granian with N workers and one task worker, in their own process group."""

    def __init__(
        self,
        env: dict,
        port: int,
        workers: int,
        *,
        python: str = sys.executable,
        application: str = "shuniu.wsgi:application",
        task_worker: bool = True,
        backpressure: int = 16,
    ):
        self.env, self.port, self.workers = env, port, workers
        self.python, self.application, self.task_worker = python, application, task_worker
        self.backpressure = backpressure
        self.processes: list[subprocess.Popen] = []

    def __enter__(self):
        granian = [
            self.python,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-ws",
            "--backlog",
            "2048",
            # At most this many requests in the Python threads of one worker (granian's default
            # allows hundreds, each with its own database connection: a page that takes 30 s
            # piles them up until PostgreSQL refuses connections). The rest wait in granian.
            "--backpressure",
            str(self.backpressure),
            self.application,
        ]
        # The server's log goes to a file: a pipe nobody reads fills up (64 KiB of warnings about
        # clients that gave up) and then blocks the workers mid-request.
        self.log_path = ROOT / "var" / "bench" / f"server-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("wb")
        self.processes.append(
            subprocess.Popen(
                granian,
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
        )
        if self.task_worker:
            worker = [self.python, "-m", "shuniu", "db_worker", "--no-reload", "--worker-id", "bench-worker"]
            self.processes.append(
                subprocess.Popen(
                    worker,
                    env=self.env,
                    cwd=ROOT,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                    return self
            except urllib.error.HTTPError:
                return self  # the server answers (a 404 or a redirect is an answer)
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not start: " + self.log_path.read_text(errors="replace")[-2000:])

    def peak_rss(self) -> dict:
        """Peak resident memory (VmHWM) of each web worker and the task worker, in MiB."""
        result = {"web_workers_mib": [], "task_worker_mib": None}
        for process in self.processes:
            pids = [process.pid]
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
                pids += [int(pid) for pid in children]
            except OSError:
                pass
            for pid in pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0)
                mib = round(hwm / 1024, 1)
                if "db_worker" in cmdline:
                    result["task_worker_mib"] = mib
                elif pid != process.pid or self.workers == 1:
                    result["web_workers_mib"].append(mib)
        return result

    def __exit__(self, *exc):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.log.close()
