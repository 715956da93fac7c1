"""Benchmarks, fuzzing and load tests that run the app as it is deployed (see bench/harness.py)."""

import importlib
from types import ModuleType

from bench.harness import ROOT

MODULES = ["payments", "taskboard", "batches"]


def bench_hooks() -> list[ModuleType]:
    """``bench/<module>.py`` of every installed module: data loading, endpoints, request mixes."""
    return [
        importlib.import_module(f"bench.{name}")
        for name in MODULES
        if (ROOT / "modules" / name).is_dir() and (ROOT / "bench" / f"{name}.py").exists()
    ]
