"""``make bench``: one command, one table.

Starts a throwaway deployment (SQLite, granian with 2 workers, one run_huey worker), loads fixed
data, then measures: req/s and p50/p99 latency of the main read endpoints at 16 connections, outbox
throughput (emails delivered to a local SMTP sink), and whatever each installed module's
``bench/<module>.py`` adds. Then checks the issue's targets: 0 errors on every HTTP row, the outbox
delivering 1,000 emails in under 20 s, each exactly once, plus each module's own targets (its
``http_targets`` hook on the table, its ``offline`` hook's figures). Prints the table and a
"Targets" block, writes both to ``docs/benchmarks.md`` (unless ``--no-write``), and exits 1 when
any target is missed (2 when wrk is missing).
"""

import argparse
import datetime
import shutil
import sqlite3
import statistics
import sys
import time
from typing import Any

from bench import bench_hooks, write_section
from bench.harness import (
    WRK_MISSING,
    Deployment,
    HookReport,
    LoadResult,
    Target,
    deployment,
    huey_worker,
    load,
    machine,
    web_server,
)

OUTBOX_EMAILS = 1000
OUTBOX_SECONDS = 20
TABLE_HEAD = [
    "| endpoint | req/s | p50 ms | p99 ms | errors | vs hello | load tool |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
]


def outbox_throughput(dep: Deployment, count: int = OUTBOX_EMAILS) -> dict[str, Any]:
    """Queue ``count`` emails in one transaction and time the worker delivering all of them."""
    from tests.support import SmtpSink

    sink = SmtpSink()
    sink.start()
    try:
        with huey_worker(dep, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}", HUEY_PERIODIC="0"):
            time.sleep(2)  # consumer start-up
            started = time.monotonic()
            dep.python(
                "from django.db import transaction; from core.mail import queue_email\n"
                "with transaction.atomic():\n"
                f"    [queue_email(f'user{{i}}@example.com', f'Bench {{i}}', 'body') for i in range({count})]"
            )
            db = sqlite3.connect(dep.folder / "db.sqlite3")
            deadline = started + 120
            sent = 0
            while time.monotonic() < deadline:
                sent = db.execute(
                    "SELECT count(*) FROM core_outboxemail "
                    "WHERE status='sent' AND subject LIKE 'Bench %'"
                ).fetchone()[0]
                if sent >= count:
                    break
                time.sleep(0.1)
            seconds = time.monotonic() - started
            time.sleep(1)
            statuses = dict(
                db.execute(
                    "SELECT status, count(*) FROM core_outboxemail "
                    "WHERE subject LIKE 'Bench %' GROUP BY status"
                )
            )
            db.close()
    finally:
        sink.stop()
    # Only this run's emails: the module data loaded before may have queued some of its own.
    ours = [m for m in sink.messages if str(m["Subject"]).startswith("Bench ")]
    received = len(ours)
    return {
        "emails": count,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "received": received,
        "unique_received": len({m["Subject"] for m in ours}),
        "statuses": statuses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="duration of each load run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds, so drift hits every endpoint"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument(
        "--only",
        action="append",
        metavar="MODULE",
        help="only this module's HTTP rows (repeatable), with hello in the same run for the "
        "ratios; skips the fast-path-off rows, the outbox, the offline figures and the write",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print(WRK_MISSING, file=sys.stderr)
        return 2

    hooks = bench_hooks()
    if args.only:
        chosen = [hook for hook in hooks if hook.__name__.removeprefix("bench.") in args.only]
        if len(chosen) != len(set(args.only)):
            parser.error(f"--only takes modules with a benchmark hook: {_names(hooks)}")
        return _only(args, chosen)

    extra: list[str] = []
    offline_targets: list[Target] = []
    with deployment() as dep:
        dep.manage("seed_demo", DEBUG="1")
        for hook in hooks:
            hook.load_data(dep)
        with web_server(dep) as base:
            print(f"serving on {base}", flush=True)
            targets = [("GET /api/hello", "/api/hello", {})]
            for hook in hooks:
                targets.extend(hook.endpoints(dep, base))
            results = _measure(base, targets, args)
        # The same reads with core.fastpath switched off: what the fast path is worth.
        with web_server(dep, QUERY_FAST_PATH="0") as slow_base:
            slow_results = _measure(slow_base, targets[1:], args, suffix=" (fast path off)")
        outbox = outbox_throughput(dep)
        for hook in hooks:
            if hasattr(hook, "offline"):
                report: HookReport = hook.offline(dep)
                extra.extend(report.lines)
                offline_targets.extend(report.targets)

    by_name = {result.name: result for result in results}
    targets = [_http_errors(results + slow_results), *_outbox_targets(outbox)]
    for hook in hooks:
        if hasattr(hook, "http_targets"):
            targets.extend(hook.http_targets(by_name))
    targets.extend(offline_targets)
    missed = [target for target in targets if not target.ok]

    table = [
        *TABLE_HEAD,
        *[_row(result, results[0]) for result in results],
        *[_row(result, results[0]) for result in slow_results],
    ]
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}.",
        f"HTTP: granian, 2 workers, SQLite, {args.connections} keep-alive connections, "
        f"{args.rounds} interleaved rounds of {args.seconds} s per endpoint (req/s over all rounds, "
        "latencies the median of the rounds).",
        "",
        *table,
        "",
        f"Outbox: {outbox['emails']} emails queued in one transaction, delivered by one run_huey "
        f"worker (2 threads) to a local SMTP server in {outbox['seconds']} s "
        f"({outbox['per_second']}/s); the server received {outbox['received']} messages, "
        f"{outbox['unique_received']} distinct; rows by status: {outbox['statuses']}.",
        *extra,
        "",
        "Targets:",
        *(target.line() for target in targets),
        "",
        f"{len(missed)} of {len(targets)} targets missed: {', '.join(t.name for t in missed)}"
        if missed
        else f"All {len(targets)} targets met.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("bench", "Latest `make bench`", text)
    return 1 if missed else 0


def _names(hooks: list[Any]) -> str:
    return ", ".join(hook.__name__.removeprefix("bench.") for hook in hooks)


def _measure(
    base: str,
    targets: list[tuple[str, str, dict[str, str]]],
    args: argparse.Namespace,
    suffix: str = "",
) -> list[LoadResult]:
    """Each target under load for ``args.rounds`` interleaved rounds, so drift hits them all."""
    rounds: dict[str, list[LoadResult]] = {name: [] for name, _, _ in targets}
    for number in range(args.rounds):
        for name, path, headers in targets:
            rounds[name].append(load(f"{name}{suffix}", f"{base}{path}", headers=headers,
                                     seconds=args.seconds, connections=args.connections))  # fmt: skip
        print(f"round {number + 1} of {args.rounds} done{suffix}", flush=True)
    return [_combine(runs) for runs in rounds.values()]


def _only(args: argparse.Namespace, hooks: list[Any]) -> int:
    """``--only``: hello and the chosen modules' rows, interleaved as in the full run, their
    HTTP targets checked; nothing written."""
    with deployment() as dep:
        dep.manage("seed_demo", DEBUG="1")
        for hook in hooks:
            hook.load_data(dep)
        with web_server(dep) as base:
            print(f"serving on {base}", flush=True)
            targets = [("GET /api/hello", "/api/hello", {})]
            for hook in hooks:
                targets.extend(hook.endpoints(dep, base))
            results = _measure(base, targets, args)
    by_name = {result.name: result for result in results}
    checked = [_http_errors(results)]
    for hook in hooks:
        if hasattr(hook, "http_targets"):
            checked.extend(hook.http_targets(by_name))
    missed = [target for target in checked if not target.ok]
    print("\n".join([
        *TABLE_HEAD,
        *[_row(result, results[0]) for result in results],
        "",
        "Targets:",
        *(target.line() for target in checked),
    ]))  # fmt: skip
    return 1 if missed else 0


def _http_errors(results: list[LoadResult]) -> Target:
    """Every HTTP row must finish without a non-2xx answer or a socket error."""
    bad = [f"{r.name} {r.errors}" for r in results if r.errors]
    return Target(
        "HTTP errors",
        "; ".join(bad) if bad else f"0 on all {len(results)} rows",
        "0 on every row",
        not bad,
    )


def _outbox_targets(outbox: dict[str, Any]) -> list[Target]:
    count = outbox["emails"]
    complete = (
        outbox["received"] == count
        and outbox["unique_received"] == count
        and outbox["statuses"] == {"sent": count}
    )
    return [
        Target(
            "outbox time",
            f"{count:,} emails in {outbox['seconds']} s",
            f"< {OUTBOX_SECONDS} s",
            outbox["seconds"] < OUTBOX_SECONDS and outbox["statuses"].get("sent") == count,
        ),
        Target(
            "outbox delivery",
            f"{outbox['received']} received, {outbox['unique_received']} distinct, "
            f"rows {outbox['statuses']}",
            f"each of the {count:,} received exactly once, every row sent",
            complete,
        ),
    ]


def _combine(runs: list[LoadResult]) -> LoadResult:
    return LoadResult(
        name=runs[0].name,
        requests=sum(r.requests for r in runs),
        seconds=sum(r.seconds for r in runs),
        errors=sum(r.errors for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        tool=runs[0].tool,
    )


def _row(result: LoadResult, hello: LoadResult) -> str:
    ratio = f"{100 * result.rps / hello.rps:.0f}%" if hello.rps else "-"
    return (
        f"| {result.name} | {result.rps:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | "
        f"{result.errors} | {ratio} | {result.tool} |"
    )


if __name__ == "__main__":
    sys.exit(main())
