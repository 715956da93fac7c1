"""Benchmark hook for the taskboard: 2,000 tasks between peter and mary, the task list."""

from bench.harness import Deployment, token_for

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
