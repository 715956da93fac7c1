"""Benchmarks, fuzzing and load tests that run the app as it is deployed (see bench/harness.py)."""

import importlib
from types import ModuleType

from bench.harness import ROOT

MODULES = ["payments", "taskboard", "batches", "careers", "assessments"]


def bench_hooks() -> list[ModuleType]:
    """``bench/<module>.py`` of every installed module: data loading, endpoints, request mixes."""
    return [
        importlib.import_module(f"bench.{name}")
        for name in MODULES
        if (ROOT / "modules" / name).is_dir() and (ROOT / "bench" / f"{name}.py").exists()
    ]


def write_section(name: str, title: str, report: str) -> None:
    """Replace (or append) one marked section of docs/benchmarks.md, leaving the others alone."""
    path = ROOT / "docs" / "benchmarks.md"
    path.parent.mkdir(exist_ok=True)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{report}\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + f"\n\n## {title}\n\n" + block + "\n"
    path.write_text(text)
    print(f"written to {path.relative_to(ROOT)}")
