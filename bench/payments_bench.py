"""Throughput of the payments list next to /api/hello, on SQLite behind granian.

For each database size (2,000 and 20,000 payments by default) the script builds a fresh SQLite
database and serves ``project.wsgi`` from it with granian (2 WSGI workers) on a free loopback
port. With every server up, a small load generator (threads holding keep-alive ``http.client``
connections, for a bounded time) drives ``GET /api/hello`` and ``GET /api/payments/`` (operator
token, page of 10) on each server in turn, for several rounds, so a change in the machine's load
touches all figures alike. It prints requests per second and p50/p99 latency, then the targets:

- the list serves at least 1,000 req/s and at least 25% of hello's rate;
- with 20,000 payments the list is at most 20% slower than with 2,000.

It is a measurement, not a test: figures depend on the machine (the load generator shares its
CPUs with the server). ``--strict`` turns a missed target into exit status 1.

    .venv/bin/python bench/payments_bench.py [--sizes 2000 20000] [--duration 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LIST_PATH = "/api/payments/"
HELLO_PATH = "/api/hello"
SUPPLIERS = 50


# ---------------------------------------------------------------- the database


def prepare(size: int) -> None:
    """Child process: migrated database in DATABASE_URL gets ``size`` payments; prints a token."""
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from core.auth import token_pair_for
    from core.models import User
    from modules.payments.models import Anticipation, Operator, Payment, Supplier

    call_command("migrate", verbosity=0, interactive=False)
    operator = User.objects.create_user(email="bench-operator@example.com", password="x")
    Operator.objects.create(user=operator)
    suppliers = [
        Supplier.objects.create(
            user=User.objects.create_user(email=f"bench-supplier-{i}@example.com", password="x"),
            corporate_name=f"Supplier {i:03d}",
            reg_number=f"{i:014d}",
        )
        for i in range(SUPPLIERS)
    ]
    today = timezone.localdate()
    payments = [
        Payment(
            supplier=suppliers[i % SUPPLIERS],
            creation_date=today - timedelta(days=i % 365),
            due_date=today + timedelta(days=1 + i % 90),
            value=Decimal(100 + i % 5000) + Decimal("0.25"),
        )
        for i in range(size)
    ]
    Payment.objects.bulk_create(payments, batch_size=2000)
    # A tenth of the payments have an anticipation, so the data is not one-sided.
    Anticipation.objects.bulk_create(
        (
            Anticipation(
                payment=payment,
                new_due_date=payment.due_date - timedelta(days=1),
                new_value=payment.value,
                status="PC",
            )
            for payment in Payment.objects.all()[: size // 10]
        ),
        batch_size=2000,
    )
    print(token_pair_for(operator)["access"])


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DEBUG="0",
        SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        HUEY_SQLITE_PATH=str(workdir / "huey.sqlite3"),
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_URL="consolemail://",
        JWT_ACCESS_MINUTES="120",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


class Server:
    """granian serving project.wsgi on a loopback port, stopped with its process group."""

    def __init__(
        self, env: dict[str, str], workers: int, blocking_threads: int | None, log_path: Path
    ) -> None:
        self.port = free_port()
        granian = Path(sys.executable).with_name("granian")
        self.log = open(log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no outside input)
            [
                str(granian),
                "--interface",
                "wsgi",
                "--workers",
                str(workers),
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                *(["--blocking-threads", str(blocking_threads)] if blocking_threads else []),
                "project.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"granian exited early, see {log_path}")
            try:
                status, _ = request_once(self.port, HELLO_PATH, {})
                if status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit(f"granian did not answer within 30s, see {log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=5)
        self.log.close()


def request_once(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# ---------------------------------------------------------------- the load


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies.extend(other.latencies)


def load(
    port: int, path: str, headers: dict[str, str], *, threads: int, seconds: float, name: str
) -> Result:
    """``threads`` keep-alive connections send requests back to back for ``seconds``."""
    start_line = threading.Barrier(threads + 1)
    stop_at = [0.0]
    per_thread: list[Result] = [Result(name) for _ in range(threads)]

    def worker(result: Result) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        start_line.wait()
        try:
            while True:
                began = time.perf_counter()
                if began >= stop_at[0]:
                    break
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
                    ok = False
                result.latencies.append(time.perf_counter() - began)
                result.requests += ok
                result.errors += not ok
        finally:
            conn.close()

    pool = [threading.Thread(target=worker, args=(r,), daemon=True) for r in per_thread]
    for thread in pool:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_line.wait()
    for thread in pool:
        thread.join(timeout=seconds + 30)
    total = Result(name, seconds=time.perf_counter() - began)
    for result in per_thread:
        total.requests += result.requests
        total.errors += result.errors
        total.latencies.extend(result.latencies)
    return total


@dataclass
class Deployment:
    """One database size: its files, its server and the operator's token."""

    size: int
    workdir: Path
    server: Server
    auth: dict[str, str]

    @classmethod
    def start(cls, size: int, workers: int, blocking_threads: int | None) -> Deployment:
        workdir = Path(tempfile.mkdtemp(prefix=f"payments-bench-{size}-"))
        env = server_env(workdir)
        print(f"   {size:,} payments: building {workdir / 'bench.sqlite3'}", flush=True)
        token = subprocess.run(  # noqa: S603 (this script, a number)
            [sys.executable, __file__, "--prepare", str(size)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        server = Server(env, workers, blocking_threads, workdir / "granian.log")
        auth = {"Authorization": f"Bearer {token}"}
        status, body = request_once(server.port, LIST_PATH, auth)
        page = json.loads(body)
        if status != 200 or page.get("count") != size or len(page["results"]) != 10:
            server.stop()
            raise SystemExit(f"unexpected list answer: {status} {body[:200]!r}")
        return cls(size, workdir, server, auth)

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def measure(
    deployments: list[Deployment], args: argparse.Namespace
) -> dict[tuple[int, str], Result]:
    """Alternate hello and list on every deployment, round after round, so a change in the
    machine's load touches every figure alike."""
    totals: dict[tuple[int, str], Result] = {}
    phases = [
        (deployment, name, path, headers)
        for deployment in deployments
        for name, path, headers in (
            ("hello", HELLO_PATH, {}),
            ("list", LIST_PATH, deployment.auth),
        )
    ]
    for deployment, name, path, headers in phases:  # warm-up: imports, caches, connections
        load(deployment.server.port, path, headers, threads=args.threads, seconds=1, name=name)
    for _ in range(args.rounds):
        for deployment, name, path, headers in phases:
            result = load(
                deployment.server.port,
                path,
                headers,
                threads=args.threads,
                seconds=args.duration / args.rounds,
                name=name,
            )
            totals.setdefault((deployment.size, name), Result(name)).add(result)
    return totals


def report(size: int, hello: Result, listing: Result) -> None:
    print(f"\n== {size:,} payments")
    for label, result in ((HELLO_PATH, hello), (f"{LIST_PATH}?page=1", listing)):
        print(
            f"   GET {label:<20}{result.rate:8.0f} req/s   p50 {result.percentile(0.50):6.2f} ms"
            f"   p99 {result.percentile(0.99):6.2f} ms   ({result.requests} ok, "
            f"{result.errors} errors)"
        )
    print(f"   list / hello: {listing.rate / hello.rate:.0%}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--duration", type=float, default=8.0, help="seconds per endpoint and size, in all"
    )
    parser.add_argument("--rounds", type=int, default=4, help="alternations of every phase")
    parser.add_argument("--threads", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="granian WSGI workers")
    parser.add_argument(
        "--blocking-threads", type=int, help="granian threads per worker (default: granian's)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare)
        return 0

    print(
        f"granian --interface wsgi --workers {args.workers}; {args.threads} keep-alive "
        f"connections; {args.duration:g}s per endpoint in {args.rounds} rounds; "
        f"{os.cpu_count()} CPUs shared by server and load generator"
    )
    print("== setting up")
    deployments: list[Deployment] = []
    try:
        for size in args.sizes:
            deployments.append(Deployment.start(size, args.workers, args.blocking_threads))
        totals = measure(deployments, args)
    finally:
        for deployment in deployments:
            deployment.stop()
    results = {
        size: {"hello": totals[(size, "hello")], "list": totals[(size, "list")]}
        for size in args.sizes
    }
    for size, pair in results.items():
        report(size, pair["hello"], pair["list"])

    checks: list[tuple[str, bool]] = []
    for size, totals in results.items():
        rate, hello = totals["list"].rate, totals["hello"].rate
        checks.append((f"{size:,}: list >= 1,000 req/s ({rate:.0f})", rate >= 1000))
        checks.append((f"{size:,}: list >= 25% of hello ({rate / hello:.0%})", rate >= hello / 4))
        if totals["list"].errors or totals["hello"].errors:
            checks.append((f"{size:,}: no failed requests", False))
    if len(results) >= 2:
        small, large = min(results), max(results)
        before, after = results[small]["list"].rate, results[large]["list"].rate
        slower = 1 - after / before
        checks.append(
            (
                f"list at {large:,} at most 20% slower than at {small:,} ({slower:+.0%})",
                slower <= 0.2,
            )
        )
    print("\n== targets")
    for label, passed in checks:
        print(f"   {'PASS' if passed else 'MISS'}  {label}")
    missed = not all(passed for _, passed in checks)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
