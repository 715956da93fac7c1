"""Schema fuzzing (``make fuzz``): schemathesis against the served OpenAPI document.

Starts a throwaway deployment with demo data and granian, then runs schemathesis once per module
tag with a bearer token of that module's demo user, checking for server errors, response-schema
conformance and status-code conformance. Any failure fails the run.
"""

import argparse
import json
import subprocess
import sys
import urllib.request

from bench.harness import BIN, deployment, web_server

# Which demo account fuzzes which tag: the one whose role reaches most of the module.
USERS = {
    "core": "admin@example.com",
    "payments": "operator01@email.com",
    "taskboard": "peter@example.com",
    "batches": "abcd1234@example.com",
}
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--tag", action="append", help="only these tags (default: every tag)")
    args = parser.parse_args()

    with deployment() as dep:
        dep.manage("seed_demo", DEBUG="1")
        tokens = json.loads(
            dep.python(
                "import json; from core.models import User; from core.auth import token_pair_for; "
                f"emails = {list(USERS.values())!r}; "
                "print(json.dumps({u.email.lower(): token_pair_for(u)['access'] "
                "for u in User.objects.filter(email__in=emails)}))"
            )
            .strip()
            .splitlines()[-1]
        )
        with web_server(dep) as base:
            with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=10) as response:
                schema = json.load(response)
            tags = sorted({t for op in _operations(schema) for t in op.get("tags", [])})
            failed = []
            for tag in args.tag or tags:
                email = USERS.get(tag, "admin@example.com")
                token = tokens.get(email)
                if token is None:
                    print(f"no demo account {email} for tag {tag}", file=sys.stderr)
                    failed.append(tag)
                    continue
                print(f"== fuzzing tag {tag} as {email}", flush=True)
                result = subprocess.run(
                    [str(BIN / "st"), "run", f"{base}/api/openapi.json",
                     "--include-tag", tag, "--checks", CHECKS,
                     "--header", f"Authorization: Bearer {token}",
                     "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                     "--generation-database", "none", "--no-color", "--request-timeout", "30",
                     "--workers", "2", "--phases", "examples,coverage,fuzzing"],
                    env=dep.env, check=False,
                )  # fmt: skip
                if result.returncode != 0:
                    failed.append(tag)
    if failed:
        print(f"fuzzing found failures in: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("fuzzing: 0 failures")
    return 0


def _operations(schema: dict) -> list[dict]:
    return [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]


if __name__ == "__main__":
    sys.exit(main())
