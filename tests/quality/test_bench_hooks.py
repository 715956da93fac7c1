"""Every module's benchmark hook has what ``make bench`` and ``make loadtest`` call on it.

CI runs neither (they need a quiet machine), so a hook missing ``load_mix`` once broke the load
test unnoticed."""

import inspect

import pytest

from bench import bench_hooks

REQUIRED = ("load_data", "endpoints", "http_targets", "load_mix")


@pytest.mark.parametrize("hook", bench_hooks(), ids=lambda hook: hook.__name__)
def test_a_hook_defines_what_bench_and_loadtest_call(hook):
    missing = [name for name in REQUIRED if not inspect.isfunction(getattr(hook, name, None))]
    assert missing == []


def test_every_module_has_a_hook():
    assert sorted(hook.__name__ for hook in bench_hooks()) == [
        "bench.assessments",
        "bench.batches",
        "bench.careers",
        "bench.payments",
        "bench.taskboard",
    ]
