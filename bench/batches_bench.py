"""Batches throughput: the local engine on a real job, and the workbook writer against openpyxl.

1. Engine: a fresh SQLite database gets ``--documents`` generated contracts (about 3,500
   characters, a few chunks each) through the upload indexing path; one job of ``--prompts``
   prompts over all of them is run by the worker service with the local engine, workbook and
   email included. Prints documents indexed per second and answers per second.
2. Workbook: ``--rows`` rows of 10 columns (id, file name, three metadata columns with a date,
   five answers) written by ``ResultsWorkbook`` and by raw openpyxl write-only ``append`` of the
   same values, each in its own process so ``resource.getrusage`` reports that writer's peak
   RSS. The best of ``--repeat`` runs counts. Every file must hold the header and ``--rows``
   rows in its Results sheet (counted in the sheet's XML), or the timing means nothing. Targets:
   the writer reaches at least 80% of raw speed and stays under 200 MB.

Figures depend on the machine. ``--strict`` turns a missed target (or a short file) into exit
status 1; ``--json PATH`` writes the targets as ``[{"name", "figure", "goal", "ok"}]`` for
``bench/batches.py``, which ``make bench`` runs.

    .venv/bin/python bench/batches_bench.py [--documents 1000] [--prompts 5] [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEED_TARGET = 0.8
RSS_TARGET_MB = 200

PROMPTS = [
    ("term", "What is the term of the agreement?"),
    ("fees", "When are the fees and invoices due?"),
    ("law", "Which law governs the contract and which courts have jurisdiction?"),
    ("termination", "How can the customer terminate the contract?"),
    ("liability", "What is the cap on liability?"),
    ("warranty", "How long is the warranty?"),
    ("renewal", "Does the agreement renew automatically?"),
]
CUSTOMERS = ["ACME", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]
CLAUSES = [
    "The term of this agreement is {n} months from the effective date.",
    "The agreement renews automatically for successive periods of {m} months.",
    "Invoices are issued monthly and fees are due within {d} days of the invoice date.",
    "Late payments bear interest at {r} percent per year.",
    "This contract is governed by the laws of {country} and the courts of {city} have "
    "exclusive jurisdiction.",
    "Either party may terminate for material breach not remedied within {d} days of notice.",
    "The customer may terminate for convenience with {m} months written notice.",
    "Each party's total liability is capped at {n} percent of the fees paid in the last year.",
    "Equipment carries a warranty of {m} months against manufacturing defects.",
    "The provider keeps the network available {r}9.9 percent of the time each month.",
    "Personal data is processed only within the European Union.",
    "Notices are sent by registered letter to the addresses above.",
    "Service credits are paid as a discount on the next invoice.",
    "The parties meet every quarter to review service performance.",
]
PLACES = [("France", "Paris"), ("Germany", "Frankfurt"), ("Spain", "Madrid"), ("Italy", "Milan")]


def contract_text(rng: random.Random, index: int) -> str:
    paragraphs = [f"Contract {index} between Orange and {rng.choice(CUSTOMERS)}."]
    for _ in range(8):
        country, city = rng.choice(PLACES)
        sentences = [
            rng.choice(CLAUSES).format(
                n=rng.randint(12, 60),
                m=rng.randint(1, 24),
                d=rng.randint(10, 90),
                r=rng.randint(1, 9),
                country=country,
                city=city,
            )
            for _ in range(4)
        ]
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


# ---------------------------------------------------------------- engine (child process)


def run_engine(documents: int, prompts: int) -> dict[str, float]:
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from core.models import User
    from modules.batches.models import BatchAnswer, BatchJob, BatchProfile
    from modules.batches.services.documents import document_store, index_content
    from modules.batches.services.jobs import batch_submit
    from modules.batches.services.worker import batch_process_next

    call_command("migrate", verbosity=0, interactive=False)
    organization = Group.objects.create(name="bench")
    user = User.objects.create_user(email="bench@example.com", password=None)
    user.groups.add(organization)
    BatchProfile.objects.create(user=user, cuid="BNCH0001")
    rng = random.Random(20250219)

    started = time.perf_counter()
    chunks = 0
    for index in range(documents):
        indexed = index_content(f"contract-{index:05d}.txt", contract_text(rng, index).encode())
        chunks += len(indexed.chunks)
        document_store(
            organization=organization,
            uploaded_by=user,
            indexed=indexed,
            metadata={
                "ic01": f"ic01_{index % 10}",
                "customer_name": rng.choice(CUSTOMERS),
                "document_date": date(2024, 1 + index % 12, 1 + index % 28),
            },
        )
    indexing = time.perf_counter() - started

    job = batch_submit(
        actor=user,
        cuid="BNCH0001",
        scope={"ic01_list": [f"ic01_{i}" for i in range(10)]},
        prompts=[
            {"name": name, "value": value, "dependencies": []} for name, value in PROMPTS[:prompts]
        ],
        fields=None,
    )
    started = time.perf_counter()
    outcome = batch_process_next()
    running = time.perf_counter() - started
    job = BatchJob.objects.get(pk=job.pk)
    answers = BatchAnswer.objects.filter(job=job).count()
    na = BatchAnswer.objects.filter(job=job, answer="NA").count()
    assert outcome == "finished" and answers == documents * prompts, (outcome, answers)
    return {
        "documents": documents,
        "chunks": chunks,
        "indexing_seconds": indexing,
        "answers": answers,
        "na_answers": na,
        "job_seconds": running,
    }


# ---------------------------------------------------------------- workbook (child process)


def row_pool(size: int = 1000) -> list[list[object]]:
    import uuid
    from datetime import date

    rng = random.Random(7)
    return [
        [
            str(uuid.UUID(int=rng.getrandbits(128))),
            f"contract-{index:05d}.pdf",
            f"ic01_{index % 10}",
            rng.choice(CUSTOMERS),
            date(2024, 1 + index % 12, 1 + index % 28),
            *(
                f"Answer {k} for document {index}: the term of the agreement is "
                f"{rng.randint(1, 5)} years and it renews automatically unless terminated."
                for k in range(5)
            ),
        ]
        for index in range(size)
    ]


def run_workbook(mode: str, rows: int, path: str) -> dict[str, float]:
    pool = row_pool()
    header = ["document_id", "file_name", "ic01", "customer_name", "document_date"]
    prompts = [f"prompt_{k}" for k in range(5)]
    started = time.perf_counter()
    if mode == "raw":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Results")
        sheet.append(header + prompts)
        for index in range(rows):
            sheet.append(pool[index % len(pool)])
        book.save(path)
    else:
        from modules.batches.workbook import ResultsWorkbook

        writer = ResultsWorkbook(metadata_fields=header[2:], prompt_names=prompts)
        for index in range(rows):
            writer.add_row(pool[index % len(pool)])
        writer.add_batch_statistics({})
        writer.add_index_statistics([])
        writer.save(path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": peak_mb, "bytes": os.path.getsize(path)}


def sheet_rows(path: str, title: str = "Results") -> int:
    """Rows of one sheet, counted in its XML part without parsing a cell: write-only files carry
    no dimension to read, and openpyxl's read-only reader takes seconds per 100,000 rows."""
    from openpyxl.xml.functions import fromstring

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        book = fromstring(archive.read("xl/workbook.xml"))
        ids = [
            sheet.get(relation) for sheet in book.iter(f"{main}sheet") if sheet.get("name") == title
        ]
        if not ids:
            return 0
        relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in relations if r.get("Id") == ids[0])
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        count, tail = 0, b""
        with archive.open(member) as part:
            while chunk := part.read(1 << 20):
                window = tail + chunk
                # Tags inside ``tail`` were counted with the previous chunk.
                count += window.count(b"<row ") - tail.count(b"<row ")
                tail = window[-16:]
    return count


# ---------------------------------------------------------------- parent


def child(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"child {args} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--prompts", type=int, default=5, choices=range(1, len(PROMPTS) + 1))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-engine", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", help="write the targets to this file as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    if options.child:
        kind, *rest = options.child
        if kind == "engine":
            print(json.dumps(run_engine(int(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(run_workbook(rest[0], int(rest[1]), rest[2])))
        return 0

    targets: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="batches-bench-") as folder:
        if not options.skip_engine:
            env = {
                "DJANGO_SETTINGS_MODULE": "project.settings",
                "DEBUG": "1",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "MEDIA_ROOT": f"{folder}/media",
                "HUEY_SQLITE_PATH": f"{folder}/huey.sqlite3",
                "REDIS_URL": "",
                "EMAIL_URL": "dummymail://",
                "BATCH_ENGINE": "local",
                "LOG_LEVEL": "WARNING",
            }
            engine = child(["engine", str(options.documents), str(options.prompts)], env)
            print(
                f"indexing: {engine['documents']} documents, {engine['chunks']} chunks in "
                f"{engine['indexing_seconds']:.1f} s "
                f"({engine['documents'] / engine['indexing_seconds']:.0f} documents/s)"
            )
            print(
                f"local engine job: {engine['answers']} answers ({engine['na_answers']} NA) in "
                f"{engine['job_seconds']:.1f} s = "
                f"{engine['answers'] / engine['job_seconds']:.0f} answers/s "
                "(workbook and email included)"
            )
        results: dict[str, list[dict[str, float]]] = {"raw": [], "ours": []}
        short: list[str] = []
        for attempt in range(options.repeat):
            for mode in ("raw", "ours"):
                path = f"{folder}/{mode}-{attempt}.xlsx"
                results[mode].append(child(["workbook", mode, str(options.rows), path]))
                rows = sheet_rows(path) - 1  # the header
                if rows != options.rows:
                    short.append(f"{mode} run {attempt + 1}: {rows:,}")
        raw = min(results["raw"], key=lambda r: r["seconds"])
        ours = min(results["ours"], key=lambda r: r["seconds"])
        ratio = raw["seconds"] / ours["seconds"]
        peak = max(r["peak_rss_mb"] for r in results["ours"])
        cells = options.rows * 10
        print(
            f"workbook, {options.rows} rows x 10 columns: raw openpyxl {raw['seconds']:.1f} s "
            f"({cells / raw['seconds']:,.0f} cells/s, peak {raw['peak_rss_mb']:.0f} MB); "
            f"ResultsWorkbook {ours['seconds']:.1f} s ({cells / ours['seconds']:,.0f} cells/s, "
            f"peak {peak:.0f} MB)"
        )
        print(f"writer speed = {ratio:.0%} of raw (target >= {SPEED_TARGET:.0%}); "
              f"peak RSS {peak:.0f} MB (target < {RSS_TARGET_MB} MB)")  # fmt: skip
        files = 2 * options.repeat
        print(
            f"rows written: {'; '.join(short)} instead of {options.rows:,}"
            if short
            else f"rows written: {options.rows:,} in each of the {files} files"
        )
        targets = [
            {
                "name": "workbook rows",
                "figure": "; ".join(short) if short else f"{options.rows:,} in all {files} files",
                "goal": f"{options.rows:,} rows in every file",
                "ok": not short,
            },
            {
                "name": "workbook speed",
                "figure": f"{ratio:.0%} of raw openpyxl",
                "goal": f">= {SPEED_TARGET:.0%}",
                "ok": ratio >= SPEED_TARGET,
            },
            {
                "name": "workbook peak RSS",
                "figure": f"{peak:.0f} MB",
                "goal": f"< {RSS_TARGET_MB} MB",
                "ok": peak < RSS_TARGET_MB,
            },
        ]
    missed = [target["name"] for target in targets if not target["ok"]]
    if missed:
        print(f"TARGET MISSED: {', '.join(map(str, missed))}")
    if options.json:
        Path(options.json).write_text(json.dumps(targets))
    return 1 if missed and options.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
