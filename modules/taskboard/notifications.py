"""Task emails: one message to the creator and the performer, through core's retrying outbox."""

from datetime import UTC

from django.template.loader import render_to_string

from core.mail import queue_email
from core.models import OutboxEmail, User
from modules.taskboard.models import Comment, Task

CREATED = "A new task has been created"
CHANGED = "The task has been changed"
COMMENTED = "A new comment has been added to the task"

# The legacy policy: three more attempts, five minutes apart.
MAX_RETRIES = 3
RETRY_DELAY = 300


def _name(user: User | None) -> str:
    return (user.username if user else None) or "None"


def _context(task: Task) -> dict[str, object]:
    return {
        "task": task,
        "due_date": task.due_date.isoformat() if task.due_date else "None",
        "creator": _name(task.creator),
        "performer": _name(task.performer),
        "status": Task.Status(task.status).label,
    }


def _send(task: Task, subject: str, text: str) -> OutboxEmail | None:
    recipients = [user.email for user in (task.creator, task.performer) if user is not None]
    return queue_email(recipients, subject, text, max_retries=MAX_RETRIES, retry_delay=RETRY_DELAY)


def task_notify(*, task: Task, created: bool) -> OutboxEmail | None:
    """Tell both parties what the task looks like now; runs inside the writing transaction."""
    text = render_to_string("taskboard/task_email.txt", _context(task))
    return _send(task, CREATED if created else CHANGED, text)


def comment_notify(*, comment: Comment) -> OutboxEmail | None:
    """The task as it is, plus the new comment; posting time in UTC as the legacy emails had it."""
    context = {
        **_context(comment.task),
        "comment": comment,
        "author": _name(comment.author),
        "posted": comment.post_date.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
    }
    text = render_to_string("taskboard/comment_email.txt", context)
    return _send(comment.task, COMMENTED, text)
