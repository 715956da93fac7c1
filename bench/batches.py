"""Benchmark hook for batches: 500 documents and a finished job for the demo cuid, the document
list and the job status under load, submissions in the load mix, and the offline figures of
``bench/batches_bench.py``."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import ROOT, Deployment, HookReport, LoadResult, Target, share_of_hello

DOCUMENTS = 500
_state: dict[str, str] = {}


def load_data(dep: Deployment) -> None:
    output = dep.python(
        "from django.contrib.auth.models import Group\n"
        "from modules.batches.models import Document, DocumentChunk\n"
        "from modules.batches.services.jobs import batch_submit\n"
        "from modules.batches.services.keys import batch_token_for\n"
        "from modules.batches.services.worker import batch_process_next\n"
        "from core.models import User\n"
        "demo = Group.objects.get(name='demo')\n"
        "user = User.objects.get(email='abcd1234@example.com')\n"
        "docs = Document.objects.bulk_create(Document(organization=demo, file_name=f'b{i}.txt', "
        "content_type='text/plain', size=60, sha256=f'{i:064d}', ic01=f'bench_{i % 5}', "
        f"chunk_count=1, token_count=12) for i in range({DOCUMENTS}))\n"
        "docs.append(Document.objects.create(organization=demo, file_name='load.txt', "
        "content_type='text/plain', size=60, sha256='f' * 64, ic01='load', chunk_count=1, "
        "token_count=12))\n"
        "DocumentChunk.objects.bulk_create(DocumentChunk(document=d, position=0, token_count=12, "
        "text='The term of the agreement is two years. Fees are due in 30 days.') for d in docs)\n"
        "job = batch_submit(actor=user, cuid='ABCD1234', scope={'ic01_list': ['bench_0']}, "
        "prompts=[{'name': 'term', 'value': 'What is the term?', 'dependencies': []}], "
        "fields=None)\n"
        "batch_process_next()\n"
        "print(job.pk, batch_token_for(user)['access_token'])\n"
    )
    job_id, token = output.split()[-2:]
    _state.update(job_id=job_id, token=token)


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    headers = {"Authorization": f"Bearer {_state['token']}"}
    return [
        ("GET /api/documents/", "/api/documents/", headers),
        ("GET /api/batch/{job_id}", f"/api/batch/{_state['job_id']}", headers),
    ]


def http_targets(results: dict[str, LoadResult]) -> list[Target]:
    """Core issue 11: the module's main reads at least a quarter of hello's throughput."""
    return [
        share_of_hello("document list vs hello", results, "GET /api/documents/"),
        share_of_hello("batch status vs hello", results, "GET /api/batch/{job_id}"),
    ]


def load_mix(dep: Deployment, base: str) -> list[dict]:
    """Reads of the document list and a job's status, and submissions of one-document jobs
    that the deployment's worker answers while the load runs."""
    headers = {"Authorization": f"Bearer {_state['token']}", "Content-Type": "application/json"}
    body = {
        "cuid": "ABCD1234",
        "scope": {"ic01_list": ["load"]},
        "prompts": [{"name": "term", "value": "What is the term of the agreement?"}],
    }
    return [
        {"method": "GET", "path": "/api/documents/", "headers": headers},
        {"method": "GET", "path": f"/api/batch/{_state['job_id']}", "headers": headers},
        {"method": "POST", "path": "/api/batch", "headers": headers, "body": json.dumps(body)},
    ]


def offline(dep: Deployment) -> HookReport:
    """The engine and workbook figures, measured by the standalone script in its own database;
    its workbook targets (rows written, speed against raw openpyxl, peak RSS) come back as JSON."""
    with tempfile.TemporaryDirectory(prefix="batches-targets-") as folder:
        found = Path(folder) / "targets.json"
        result = subprocess.run(
            [sys.executable, "bench/batches_bench.py", "--repeat", "2", "--strict",
             "--json", str(found)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        targets = (
            [Target(**item) for item in json.loads(found.read_text())] if found.exists() else []
        )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    # --strict exits 1 on a missed target, which is then in the JSON; any other failure (a crashed
    # child, an engine job that did not finish) is a miss of its own.
    if result.returncode != 0 and all(target.ok for target in targets):
        error = result.stderr.strip()[-300:]
        lines.append(f"batches_bench.py failed: {error}")
        targets.append(Target("batches_bench.py", f"exit {result.returncode}", "exit 0", False))
    return HookReport(
        lines=["", "Batches (bench/batches_bench.py):", *(f"- {line}" for line in lines)],
        targets=targets,
    )
