"""Schema fuzzing (``make fuzz``): schemathesis against the served OpenAPI documents.

Starts a throwaway deployment with demo data and granian, then runs schemathesis once per module
tag and demo account (a tag can have several: payments is fuzzed as the operator and as a
supplier), with that account's bearer token, checking for server errors, response-schema
conformance and status-code conformance. The run fails on any schemathesis failure, on an
operation without a tag (it would never be fuzzed), on a token that ``GET /api/me/`` does not
accept (every protected operation would then answer a documented 401 and pass), and when the
whole run exceeds its time budget (``--budget``, 300 s by default: the CI limit is 5 minutes).
"""

import argparse
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bench.harness import BIN, deployment, web_server

# Which demo accounts fuzz which tag: the one whose role reaches most of the module, plus the
# roles that see it differently (a supplier sees only its own payments and asks for anticipations).
USERS: dict[str, list[str]] = {
    "core": ["admin@example.com"],
    "payments": ["operator01@email.com", "user01@email.com"],
    "taskboard": ["peter@example.com"],
    "batches": ["abcd1234@example.com"],
    "careers": ["careers@example.com"],
    "assessments": ["owner@example.com"],
}
DEFAULT_USERS = ["admin@example.com"]
# Every served OpenAPI document; each tag is fuzzed against the document that has it.
DOCUMENTS = ("/api/openapi.json", "/api/assessments/openapi.json")
# Operations a tag's run leaves out: they end the session the rest of that run uses (the
# account's deactivation, the logout), so every later request would only meet a 401.
EXCLUDED: dict[str, list[str]] = {
    "assessments": ["DELETE /api/assessments/users/me", "POST /api/assessments/auth/logout"],
}
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--tag", action="append", help="only these tags (default: every tag)")
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        help="seconds for the whole run, start-up included; over it the run fails (default 300)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    emails = sorted({email for users in [*USERS.values(), DEFAULT_USERS] for email in users})

    failed: list[str] = []
    timings: list[tuple[str, float]] = []
    with deployment() as dep:
        dep.manage("seed_demo", DEBUG="1")
        tokens = json.loads(
            dep.python(
                "import json; from core.models import User; from core.auth import token_pair_for; "
                f"emails = {emails!r}; "
                "print(json.dumps({u.email.lower(): token_pair_for(u)['access'] "
                "for u in User.objects.filter(email__in=emails)}))"
            )
            .strip()
            .splitlines()[-1]
        )
        with web_server(dep) as base:
            document_of: dict[str, str] = {}
            for document in DOCUMENTS:
                with urllib.request.urlopen(f"{base}{document}", timeout=10) as response:
                    schema = json.load(response)
                untagged = [name for name, op in _operations(schema) if not op.get("tags")]
                if untagged:
                    print(
                        f"operations without a tag are never fuzzed: {', '.join(untagged)}",
                        file=sys.stderr,
                    )
                    return 1
                for _, op in _operations(schema):
                    for tag in op["tags"]:
                        document_of.setdefault(tag, document)
            tags = sorted(document_of)
            unknown = sorted(set(args.tag or []) - set(tags))
            if unknown:
                print(f"no operation has the tag(s) {', '.join(unknown)}", file=sys.stderr)
                return 1
            for tag in args.tag or tags:
                for email in USERS.get(tag, DEFAULT_USERS):
                    run = f"{tag} as {email}"
                    remaining = args.budget - (time.monotonic() - started)
                    if remaining <= 0:
                        print(f"== {run}: not run, the {args.budget:.0f} s budget is spent")
                        failed.append(f"{run} (not run: no budget left)")
                        continue
                    token = tokens.get(email)
                    if token is None:
                        print(f"== {run}: no demo account {email}", file=sys.stderr)
                        failed.append(f"{run} (no account)")
                        continue
                    if (status := _me_status(base, token)) != 200:
                        print(
                            f"== {run}: GET /api/me/ with its token answered {status}, not 200; "
                            "fuzzing with it would only exercise the 401 answers",
                            file=sys.stderr,
                        )
                        failed.append(f"{run} (token refused: {status})")
                        continue
                    print(f"== fuzzing tag {run}", flush=True)
                    begun = time.monotonic()
                    outcome = _schemathesis(
                        dep.env, f"{base}{document_of[tag]}", tag, token, args, timeout=remaining
                    )
                    elapsed = time.monotonic() - begun
                    timings.append((run, elapsed))
                    print(f"== {run}: {outcome or 'passed'} in {elapsed:.1f} s", flush=True)
                    if outcome:
                        failed.append(f"{run} ({outcome})")

    total = time.monotonic() - started
    print("elapsed:", *(f"  {run}: {seconds:.1f} s" for run, seconds in timings), sep="\n")
    print(f"  total (start-up included): {total:.1f} s of a {args.budget:.0f} s budget")
    if total > args.budget:
        failed.append(f"total time {total:.0f} s over the {args.budget:.0f} s budget")
    if failed:
        print(f"fuzzing failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    print("fuzzing: 0 failures")
    return 0


def _schemathesis(
    env: dict[str, str],
    document: str,
    tag: str,
    token: str,
    args: argparse.Namespace,
    timeout: float,
) -> str:
    """One ``st run`` on one tag; returns what went wrong, or "" when it passed.

    One worker: with two, schemathesis' threads call ``ast.parse`` concurrently (hypothesis
    describing its filter lambdas), which on Python 3.11 randomly raises "SystemError: AST
    constructor recursion depth mismatch" (CPython gh-106905) and fails the run as a tool error.
    """
    command = [
        str(BIN / "st"), "run", document,
        "--include-tag", tag, "--checks", CHECKS,
        "--header", f"Authorization: Bearer {token}",
        "--max-examples", str(args.max_examples), "--seed", str(args.seed),
        "--generation-database", "none", "--no-color", "--request-timeout", "30",
        "--workers", "1", "--phases", "examples,coverage,fuzzing",
    ]  # fmt: skip
    for name in EXCLUDED.get(tag, []):
        command += ["--exclude-name", name]
    try:
        result = subprocess.run(command, env=env, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.1f} s, the rest of the budget"
    return f"schemathesis exit {result.returncode}" if result.returncode else ""


def _me_status(base: str, token: str) -> int:
    """Status of ``GET /api/me/`` with this bearer token: 200 when the token is usable."""
    request = urllib.request.Request(
        f"{base}/api/me/", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _operations(schema: dict) -> list[tuple[str, dict]]:
    """Every operation of the document as ("METHOD path", operation)."""
    return [
        (f"{method.upper()} {path}", op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


if __name__ == "__main__":
    sys.exit(main())
