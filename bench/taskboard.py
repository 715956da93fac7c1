"""Benchmark hook for the taskboard: 2,000 tasks between peter and mary, the task list."""

import json

from bench.harness import Deployment, LoadResult, Target, share_of_hello, token_for

TASKS = 2000


def load_data(dep: Deployment) -> None:
    dep.python(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from core.models import User\n"
        "from modules.taskboard.models import Task\n"
        "peter = User.objects.get(username='peter'); mary = User.objects.get(username='mary')\n"
        "today = timezone.localdate()\n"
        "Task.objects.bulk_create(Task(name=f'bench task {i}', specification='load', "
        "creator=peter, performer=mary if i % 2 else peter, "
        f"due_date=None if i % 7 == 0 else today + timedelta(days=i % 90)) for i in range({TASKS}))"
    )


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    token = token_for(base, "peter@example.com", "peter-pass-1")
    return [("GET /api/tasks/", "/api/tasks/", {"Authorization": f"Bearer {token}"})]


def http_targets(results: dict[str, LoadResult]) -> list[Target]:
    """Core issue 11: the module's main read at least a quarter of hello's throughput."""
    return [share_of_hello("task list vs hello", results, "GET /api/tasks/")]


def load_mix(dep: Deployment, base: str) -> list[dict]:
    """Reads of the list and a task, and writes: a new task and a comment (both send emails)."""
    token = token_for(base, "peter@example.com", "peter-pass-1")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    task_id = dep.python(
        "from modules.taskboard.models import Task; print(Task.objects.get(name='bench task 1').pk)"
    ).strip()
    return [
        {"method": "GET", "path": "/api/tasks/", "headers": headers},
        {"method": "GET", "path": f"/api/tasks/{task_id}/", "headers": headers},
        {"method": "POST", "path": "/api/tasks/", "headers": headers,
         "body": json.dumps({"name": "load task {n}", "specification": "made under load"})},
        {"method": "POST", "path": f"/api/tasks/{task_id}/add_comment/", "headers": headers,
         "body": json.dumps({"description": "comment {n}"})},
    ]  # fmt: skip
