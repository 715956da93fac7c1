"""Demo data: peter and mary, and one task peter gave mary, with a comment (no emails sent)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from core.demo import ensure_user
from modules.taskboard.models import Comment, Task

DEMO_TASK = "NY is in danger!"


def seed(*, stdout: Any) -> None:
    peter = ensure_user("peter@example.com", "peter-pass-1", username="peter")
    mary = ensure_user("mary@example.com", "mary-pass-1", username="mary")
    if not Task.objects.filter(name=DEMO_TASK).exists():
        task = Task.objects.create(
            name=DEMO_TASK,
            specification="Venom is planning something terrible. "
            "Need to know about his plans as soon as possible.",
            due_date=timezone.localdate() + timedelta(days=30),
            creator=peter,
            performer=mary,
            status=Task.Status.IN_WORK,
        )
        Comment.objects.create(task=task, author=peter, description="Mary, I count on you.")
    stdout.write("taskboard: peter / peter-pass-1, mary / mary-pass-1 (username or email)")
