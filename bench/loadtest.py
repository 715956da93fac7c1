"""``make loadtest``: 60 seconds, 50 concurrent clients, a mix of reads and writes.

A throwaway deployment (SQLite, granian with 2 workers, one run_huey worker delivering the emails
that the writes queue, to a local SMTP sink) is driven by wrk with a Lua script that rotates
through the request mix. Any non-2xx answer (3xx included: wrk's own counter only sees 4xx and
5xx, so the Lua script counts every status from 300 up and prints one ``status`` line per status
and body), connection error or timeout counts as an error; the target is 0 and any error exits 1.
The figures are appended to ``docs/benchmarks.md``.
"""

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import bench_hooks, write_section
from bench.harness import deployment, huey_worker, machine, web_server

LUA = r"""
local requests = %(requests)s
local counter = 0
local id = 0
local threads = {}
statuses = {}
setup = function(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end
init = function(args)
  counter = 0
end
response = function(status, headers, body)
  if status >= 300 then
    local excerpt = string.gsub(string.sub(body, 1, 120), "%%s+", " ")
    local key = tostring(status) .. " " .. excerpt
    statuses[key] = (statuses[key] or 0) + 1
  end
end
done = function(summary, latency, requests_done)
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for key, count in pairs(seen) do
      io.write(string.format("status %%s: %%d\n", key, count))
    end
  end
end
request = function()
  counter = counter + 1
  local spec = requests[(counter %% #requests) + 1]
  local body = spec.body
  if body then
    body = string.gsub(body, "{n}", tostring(tid) .. "-" .. tostring(counter))
  end
  return wrk.format(spec.method, spec.path, spec.headers, body)
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required: apt-get install wrk", file=sys.stderr)
        return 2

    from tests.support import SmtpSink

    hooks = bench_hooks()
    sink = SmtpSink()
    sink.start()
    try:
        with deployment(EMAIL_URL=f"smtp://127.0.0.1:{sink.port}") as dep:
            dep.manage("seed_demo", DEBUG="1")
            for hook in hooks:
                hook.load_data(dep)
            with web_server(dep) as base, huey_worker(dep):
                mix = [{"method": "GET", "path": "/api/hello", "headers": {}}]
                for hook in hooks:
                    mix.extend(hook.load_mix(dep, base))
                script = Path(tempfile.mkdtemp()) / "mix.lua"
                script.write_text(LUA % {"requests": _lua(mix)})
                result = subprocess.run(
                    ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s",
                     "--latency", "--timeout", "10s", "-s", str(script), base],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                if result.stderr.strip():
                    print(result.stderr, file=sys.stderr)
                    return 2
                out = result.stdout
    finally:
        sink.stop()
    print(out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    # wrk's "Non-2xx or 3xx responses" counts only statuses >= 400; the script's lines count all.
    over_399 = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    by_status = _statuses(out)
    non_2xx = max(over_399, sum(by_status.values()))
    socket_errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        socket_errors = sum(int(g) for g in m.groups())
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)
    names = ", ".join(f"{r['method']} {r['path']}" for r in mix)
    report = (
        f"Load test {datetime.date.today().isoformat()} on {machine()}: {args.connections} "
        f"connections for {args.seconds} s over the mix [{names}]: {total:,} requests "
        f"({rps:,.0f}/s), p50 {p50}, p99 {p99}, non-2xx {non_2xx}"
        + (f" {dict(sorted(by_status.items()))}" if by_status else "")
        + f", socket errors {socket_errors}."
    )
    print(report)
    if not args.no_write:
        write_section("load", "Latest `make loadtest`", report)
    if non_2xx or socket_errors:
        print(
            f"load test failed: {non_2xx} non-2xx answers, {socket_errors} socket errors "
            "(target: 0)",
            file=sys.stderr,
        )
        return 1
    return 0


def _statuses(out: str) -> dict[int, int]:
    """Answers of status 300 and up, by status, from the script's ``status <code> <body>: <n>``."""
    counts: dict[int, int] = {}
    for match in re.finditer(r"^status (\d{3})\b.*: (\d+)$", out, re.MULTILINE):
        status = int(match.group(1))
        counts[status] = counts.get(status, 0) + int(match.group(2))
    return counts


def _lua(mix: list[dict]) -> str:
    """The request mix as a Lua table literal (JSON strings are valid Lua strings here)."""
    items = []
    for spec in mix:
        headers = ", ".join(
            f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in spec["headers"].items()
        )
        body = json.dumps(spec["body"]) if spec.get("body") is not None else "nil"
        items.append(
            f"{{method = {json.dumps(spec['method'])}, path = {json.dumps(spec['path'])}, "
            f"headers = {{{headers}}}, body = {body}}}"
        )
    return "{" + ", ".join(items) + "}"


if __name__ == "__main__":
    sys.exit(main())
