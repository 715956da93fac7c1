"""Generated clients (``make clients``): the docs promise a client can be generated from each
OpenAPI document.

Starts a throwaway deployment with demo data and granian, fetches every served OpenAPI document
(``DOCUMENTS``), and generates a Python client from each with openapi-python-client (its ruff
post-hooks included, so ``.venv/bin`` goes on ``PATH``). The run fails on any line the generator
prints besides its "Generating ..." banner (a warning, a skipped endpoint, a failed hook), and
on an operation id of the document without its module in the generated package. It then imports
every generated module (one that does not import fails the run; ``patch_upstream_1451`` works
around the one known generator bug) and drives the client against the server (``SMOKES``): log
in as the payments operator and list payments, log in as peter and create a task, exchange the
batches demo API key for a batch token and submit a batch, checking status codes and parsed
models. Every request goes to 127.0.0.1 with a timeout; the temporary folders are removed at the
end.
"""

import argparse
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from bench.harness import BIN, deployment, web_server

# Every OpenAPI document the deployment serves; each gets a generated client. A document with an
# entry in SMOKES (at the end of this file) also has that client driven against the server.
DOCUMENTS: tuple[str, ...] = ("/api/openapi.json", "/api/assessments/openapi.json")

GENERATOR = BIN / "openapi-python-client"
GENERATE_TIMEOUT = 90.0  # seconds for one generation, ruff post-hooks included
REQUEST_TIMEOUT = 15.0  # seconds for one request of a generated client
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
BANNER = re.compile(r"^Generating \S.*$")

# Demo accounts (README's demo table) and the batches key this run's seed makes valid.
OPERATOR = ("operator01@email.com", "operator01")
PETER = ("peter@example.com", "peter-pass-1")
BATCH_CUID = "ABCD1234"
DEMO_API_KEY = f"Clients{secrets.token_hex(20)}"


class CheckFailed(Exception):
    """One failed check; its message says which document, operation and what was wrong."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--budget",
        type=float,
        default=120,
        help="seconds for the whole run, start-up included; over it the run fails (default 120)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    failed: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="platform-clients-") as folder,
        deployment(DEMO_API_KEY=DEMO_API_KEY) as dep,
    ):
        dep.manage("seed_demo", DEBUG="1")
        with web_server(dep) as base:
            if not base.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"refusing a server off loopback: {base}")
            for path in DOCUMENTS:
                begun = time.monotonic()
                try:
                    check_document(base, path, Path(folder))
                except CheckFailed as failure:
                    print(f"== {path}: FAILED: {failure}", file=sys.stderr, flush=True)
                    failed.append(f"{path}: {failure}")
                    continue
                print(f"== {path}: passed in {time.monotonic() - begun:.1f} s", flush=True)
    total = time.monotonic() - started
    print(f"total (start-up included): {total:.1f} s of a {args.budget:.0f} s budget")
    if total > args.budget:
        failed.append(f"total time {total:.0f} s over the {args.budget:.0f} s budget")
    if failed:
        print(f"generated clients failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    print(f"generated clients: {len(DOCUMENTS)} document(s), 0 failures")
    return 0


def check_document(base: str, path: str, folder: Path) -> None:
    """Fetch one document, generate its client, check it is complete, then drive it."""
    document, raw = fetch_document(base, path)
    operations = operation_ids(document)
    package = "client_" + "_".join(re.sub(r"\W+", "_", part) for part in _slug_parts(path))
    source = folder / f"{package}.json"
    source.write_bytes(raw)
    generate(source, folder / package)
    missing = missing_operations(folder / package, operations)
    if missing:
        raise CheckFailed(f"no generated module for operation(s) {', '.join(missing)}")
    print(f"   generated {package}: {len(operations)} operations, no warning", flush=True)
    if patched := patch_upstream_1451(folder / package):
        print(
            f"   added the missing Unset import (openapi-python-client #1451) to {len(patched)} "
            f"module(s): {', '.join(patched)}",
            flush=True,
        )
    with imported(folder, package) as generated:
        modules = import_all(generated, folder / package)
        print(f"   imported {modules} generated modules", flush=True)
        smoke = SMOKES.get(path)
        if smoke is not None:
            smoke(Generated(generated, folder / package), base)


def _slug_parts(path: str) -> list[str]:
    """``/api/assessments/openapi.json`` -> ``["api", "assessments"]``."""
    parts = [part for part in path.strip("/").split("/") if part]
    if parts and parts[-1].endswith(".json"):
        parts = parts[:-1]
    return parts or ["root"]


def fetch_document(base: str, path: str) -> tuple[dict[str, Any], bytes]:
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT, trust_env=False) as http:
        response = http.get(path)
    if response.status_code != 200:
        raise CheckFailed(f"GET {path} answered {response.status_code}")
    document = response.json()
    if not isinstance(document, dict) or "paths" not in document:
        raise CheckFailed(f"GET {path} is not an OpenAPI document")
    return document, response.content


def operation_ids(document: dict[str, Any]) -> list[str]:
    """Every operation id of the document; an operation without one fails the check."""
    ids: list[str] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            if not operation.get("operationId"):
                raise CheckFailed(f"{method.upper()} {path} has no operationId")
            ids.append(operation["operationId"])
    return ids


# The generator reads JSON, text and application/octet-stream bodies only. A story's file is
# documented as what it is (``audio/*``), so a client is told to take it as bytes, which is the
# generator's own switch for media types it does not know.
GENERATOR_CONFIG = {"content_type_overrides": {"audio/*": "application/octet-stream"}}


def generate(source: Path, output: Path) -> None:
    """openapi-python-client with its default ruff post-hooks; any line it prints beyond its
    banner is a warning or an error (an endpoint or model skipped, a hook that failed)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    config = output.parent / "generator-config.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    command = [
        str(GENERATOR), "generate", "--path", str(source), "--output-path", str(output),
        "--meta", "none", "--fail-on-warning", "--config", str(config),
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command,
            cwd=output.parent,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=GENERATE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        raise CheckFailed(f"openapi-python-client ran over {GENERATE_TIMEOUT:.0f} s") from error
    printed = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    extra = [line for line in printed if not BANNER.match(line)]
    if result.returncode != 0 or extra:
        raise CheckFailed(
            f"openapi-python-client exit {result.returncode}, its output:\n" + "\n".join(printed)
        )


def _module_name(operation_id: str) -> str:
    """The generator's module name for an operation id: snake case, identifier characters."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", operation_id)
    return re.sub(r"\W+", "_", spaced).strip("_").lower()


def missing_operations(package_dir: Path, operations: list[str]) -> list[str]:
    generated = {path.stem for path in (package_dir / "api").glob("*/*.py")}
    return [op for op in operations if _module_name(op) not in generated]


# openapi-python-client 0.29 writes ``body: A | B | Unset = UNSET`` for every body with several
# media types but imports ``Unset`` only for an optional body (issue #1451, fix proposed in PR
# #1478), so the module of a required JSON-or-form body fails to import. The documents are right
# (the body is required; JSON, form and multipart are all accepted, and the taskboard and
# payments tests require the three), so until a release fixes it the check adds the import where
# exactly that is missing, and says where; any other failure to import fails the run.
TYPES_IMPORT = re.compile(r"^from \.\.\.types import ([\w, ]+)$", re.MULTILINE)
UNSET_DEFAULT = re.compile(r"\| Unset = UNSET,?$", re.MULTILINE)


def patch_upstream_1451(package_dir: Path) -> list[str]:
    patched = []
    for path in sorted((package_dir / "api").glob("*/*.py")):
        text = path.read_text()
        found = TYPES_IMPORT.search(text)
        if found is None or not UNSET_DEFAULT.search(text):
            continue
        names = [name.strip() for name in found.group(1).split(",")]
        if "Unset" in names:
            continue
        line = f"from ...types import {', '.join([*names, 'Unset'])}"
        path.write_text(text[: found.start()] + line + text[found.end() :])
        patched.append(path.stem)
    return patched


def import_all(package: ModuleType, package_dir: Path) -> int:
    """Import every generated module: one that does not import is a broken client."""
    names = [f"{package.__name__}.models"] + [
        f"{package.__name__}.api.{path.parent.name}.{path.stem}"
        for path in sorted((package_dir / "api").glob("*/*.py"))
        if path.stem != "__init__"
    ]
    broken = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            broken.append(f"{name}: {type(error).__name__}: {error}")
    if broken:
        raise CheckFailed("generated modules that do not import:\n" + "\n".join(broken))
    return len(names)


@contextmanager
def imported(folder: Path, package: str) -> Iterator[ModuleType]:
    """The generated package imported from ``folder``, forgotten again afterwards."""
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


@dataclass
class Generated:
    """One generated client package: its operations by id, its models by name."""

    package: ModuleType
    folder: Path

    def operation(self, operation_id: str) -> ModuleType:
        name = _module_name(operation_id)
        for path in (self.folder / "api").glob(f"*/{name}.py"):
            return importlib.import_module(f"{self.package.__name__}.api.{path.parent.name}.{name}")
        raise CheckFailed(f"no generated module for {operation_id}")

    def model(self, *names: str) -> Any:
        """The first generated model class of these names (an inline body schema is named after
        its operation, a component after itself)."""
        models = importlib.import_module(f"{self.package.__name__}.models")
        for name in names:
            if hasattr(models, name):
                return getattr(models, name)
        raise CheckFailed(f"the generated client has no model {' or '.join(names)}")

    def client(self, base: str, token: str | None = None, **headers: str) -> Any:
        """A generated client bound to the loopback server: a timeout on every request, no
        proxy from the environment, no redirects followed, undocumented statuses raised."""
        options: dict[str, Any] = {
            "base_url": base,
            "timeout": httpx.Timeout(REQUEST_TIMEOUT),
            "follow_redirects": False,
            "raise_on_unexpected_status": True,
            "httpx_args": {"trust_env": False},
            "headers": headers,
        }
        if token is None:
            return self.package.Client(**options)
        return self.package.AuthenticatedClient(token=token, **options)

    def call(self, operation_id: str, client: Any, status: int, parsed: type, **kwargs: Any) -> Any:
        """Call one operation's ``sync_detailed``; the status and the parsed model must match."""
        try:
            response = self.operation(operation_id).sync_detailed(client=client, **kwargs)
        except CheckFailed:
            raise
        except Exception as error:
            raise CheckFailed(f"{operation_id}: {type(error).__name__}: {error}") from error
        if response.status_code != status:
            raise CheckFailed(
                f"{operation_id} answered {int(response.status_code)}, expected {status}: "
                f"{response.content[:300]!r}"
            )
        if not isinstance(response.parsed, parsed):
            raise CheckFailed(
                f"{operation_id} parsed its {status} as {type(response.parsed).__name__}, "
                f"expected {parsed.__name__}"
            )
        print(f"   {operation_id}: {status} {parsed.__name__}", flush=True)
        return response.parsed


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def smoke_platform(gen: Generated, base: str) -> None:
    """The platform document's client: one short path through each module."""
    token_pair = gen.model("TokenPairOut")
    login_body = gen.model("TokenObtainIn", "CoreApiObtainTokenJsonTokenObtainIn")
    batch_login_body = gen.model("BatchTokenIn", "CoreApiObtainTokenJsonBatchTokenIn")

    with gen.client(base) as anonymous:
        # Payments: the operator logs in at core's token endpoint and lists every payment.
        email, password = OPERATOR
        pair = gen.call("core_api_obtain_token", anonymous, 200, token_pair,
                        body=login_body(email=email, password=password))  # fmt: skip
        with gen.client(base, pair.access) as operator:
            page = gen.call(
                "modules_payments_api_list_payments", operator, 200, gen.model("PagedPaymentOut")
            )
            expect(page.count >= 1, f"the operator sees {page.count} payments, demo data has 6")
            payment_out = gen.model("PaymentOut")
            expect(
                all(isinstance(item, payment_out) for item in page.results),
                "list_payments results are not PaymentOut",
            )

        # Taskboard: peter creates a task and reads it back.
        email, password = PETER
        pair = gen.call("core_api_obtain_token", anonymous, 200, token_pair,
                        body=login_body(email=email, password=password))  # fmt: skip
        with gen.client(base, pair.access) as peter:
            task_in = gen.model("TaskIn")
            created = gen.call(
                "modules_taskboard_api_create_task", peter, 201, gen.model("TaskWriteOut"),
                body=task_in(name="Generated client", specification="Created by make clients."),
            )  # fmt: skip
            expect(created.name == "Generated client", f"created task named {created.name!r}")
            detail = gen.call("modules_taskboard_api_get_task", peter, 200,
                              gen.model("TaskDetailOut"), task_id=created.id)  # fmt: skip
            expect(
                detail.creator is not None and detail.creator.username == "peter",
                f"task {created.id} has creator {detail.creator!r}, not peter",
            )

    # Batches: the demo API key buys a batch token for ABCD1234, which submits a batch.
    with gen.client(base, **{"X-API-Key": DEMO_API_KEY}) as keyed:
        batch_token = gen.call("core_api_obtain_token", keyed, 200, gen.model("BatchTokenOut"),
                               body=batch_login_body(cuid=BATCH_CUID))  # fmt: skip
    with gen.client(base, batch_token.access_token) as batches:
        body = gen.model("BatchIn")(
            cuid=BATCH_CUID,
            scope=gen.model("ScopeIn")(ic01_list=["ic01_1"]),
            prompts=[gen.model("PromptIn")(name="term", value="What is the term?")],
        )
        job = gen.call("modules_batches_api_create_batch", batches, 202,
                       gen.model("BatchCreatedOut"), body=body)  # fmt: skip
        expect(job.status == "queued", f"the new batch is {job.status!r}, not queued")
        state = gen.call("modules_batches_api_get_batch", batches, 200,
                         gen.model("BatchStatusOut"), job_id=str(job.job_id))  # fmt: skip
        expect(state.progress.total >= 1, f"the batch covers {state.progress.total} documents")


# Smoke scripts by document (see DOCUMENTS): each drives that document's generated client.
SMOKES: dict[str, Callable[[Generated, str], None]] = {"/api/openapi.json": smoke_platform}


if __name__ == "__main__":
    sys.exit(main())
