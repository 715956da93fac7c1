"""Shared pieces of the benchmark, fuzz and load scripts: a throwaway deployment on loopback.

Each script gets its own SQLite database and queue file under a temporary folder, a granian web
server (2 workers) and, when asked, a ``run_huey`` worker, exactly as the Procfile runs them.
Load is generated with wrk (Debian package ``wrk``), which ``make bench`` and ``make loadtest``
require: a Python client shares the machine's cores with the server and its GIL-bound threads
would cap the fast endpoints (hello) more than the slow ones, skewing every ratio. Every request
goes to 127.0.0.1 and every loop is bounded in time.
"""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WRK_MISSING = "wrk is required: apt-get install wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Deployment:
    """Environment of one throwaway deployment: database, queue file, media folder."""

    folder: Path
    env: dict[str, str]

    def manage(self, *args: str, **extra_env: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def python(self, code: str) -> str:
        """Run Django code in this deployment (data loading) and return what it printed."""
        return self.manage("shell", "--no-imports", "-c", code)


@contextmanager
def deployment(**extra_env: str) -> Iterator[Deployment]:
    folder = Path(tempfile.mkdtemp(prefix="platform-bench-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "HUEY_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DEBUG="0",
        SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        ASSESSMENTS_ENCRYPTION_KEYS="t6vFb-1V78b2uNyd2Bi3hYNDuYnXsppjxbZGp-AK92A=",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        HUEY_SQLITE_PATH=str(folder / "huey.sqlite3"),
        MEDIA_ROOT=str(folder / "media"),
        AUTH_THROTTLE_RATE="100000/min",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env)
    dep = Deployment(folder=folder, env=env)
    dep.manage("migrate", "--no-input")
    try:
        yield dep
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_http(port: int, path: str = "/api/hello", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}")


@contextmanager
def web_server(dep: Deployment, *, workers: int = 2, **extra_env: str) -> Iterator[str]:
    """granian serving project.wsgi, as the Procfile's web process; yields the base URL."""
    port = free_port()
    log = open(dep.folder / "web.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--blocking-threads", "4", "--no-ws",
         "project.wsgi:application"],
        cwd=ROOT, env={**dep.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_http(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def huey_worker(dep: Deployment, **extra_env: str) -> Iterator[subprocess.Popen]:
    log = open(dep.folder / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "manage.py", "run_huey"],
        cwd=ROOT, env={**dep.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def request_json(
    base: str, method: str, path: str, body: Any = None, token: str | None = None
) -> Any:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
    return json.loads(data) if data else None


def token_for(base: str, email: str, password: str) -> str:
    return request_json(base, "POST", "/api/token/", {"email": email, "password": password})[
        "access"
    ]


@dataclass
class Target:
    """One target of the issue: the measured figure, the goal, and whether the figure meets it."""

    name: str
    figure: str
    goal: str
    ok: bool

    def line(self) -> str:
        return f"- {'PASS' if self.ok else 'MISS'} {self.name}: {self.figure} (target: {self.goal})"


def share_of_hello(
    name: str, results: dict[str, "LoadResult"], row: str, minimum: float = 0.25
) -> Target:
    """A read endpoint's throughput as a share of hello's in the same run."""
    result, hello = results[row], results["GET /api/hello"]
    share = result.rps / hello.rps if hello.rps else 0.0
    return Target(
        name, f"{share:.0%} of {hello.rps:,.0f} req/s", f">= {minimum:.0%}", share >= minimum
    )


@dataclass
class HookReport:
    """What a module's ``offline`` benchmark hook adds: lines for the report and its targets."""

    lines: list[str]
    targets: list[Target]


@dataclass
class LoadResult:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _unit_ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return {"us": value / 1000, "ms": value, "s": value * 1000, "m": value * 60000}[unit]


def _wrk(
    name: str, url: str, headers: dict[str, str], seconds: int, connections: int
) -> LoadResult:
    args = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed = _unit_ms(re.search(r"requests in ([\d.]+\w+),", out).group(1)) / 1000
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    p50 = _unit_ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))
    p99 = _unit_ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))
    return LoadResult(name, total, elapsed, errors, p50, p99, "wrk")


def load(
    name: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    seconds: int = 10,
    connections: int = 16,
) -> LoadResult:
    """Keep ``connections`` keep-alive connections busy on one GET for ``seconds`` (with wrk)."""
    if not shutil.which("wrk"):
        raise RuntimeError(WRK_MISSING)
    return _wrk(name, url, headers or {}, seconds, connections)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python {sys.version.split()[0]}"
