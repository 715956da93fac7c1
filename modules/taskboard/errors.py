"""TaskTable's own wording and the two refusals whose bodies its clients parse.

The messages are the legacy API's, word for word; the bodies of ``LoginFailed`` and
``CannotClearPerformer`` are registered on the main API's renderer (``project/api.py``).
"""

from collections.abc import Callable
from typing import Any

from core.errors import DomainError, PermissionDenied

USERNAME_TAKEN = "username already exist"
EMAIL_TAKEN = "email already exist"
NAME_TAKEN_LEGACY = "a task with the same name already exists, try a another name"
NAME_TAKEN = "task with this name already exists."
NO_SUCH_USER = "there is no user with that username"
TASK_NOT_FOUND = "Task not found"
NO_SUCH_TASK = "there is no task with that name"
DUE_DATE_IN_PAST = "due date cannot be earlier than today's date"
CANNOT_EDIT = "Failure! You don't have permission to edit this task."


class LoginFailed(DomainError):
    """Unknown user, wrong password or inactive account: one answer for all three."""

    status_code = 400
    code = "login_failed"
    default_message = "username or password invalid"


class CannotClearPerformer(PermissionDenied):
    """Only the creator may leave a task without a performer; a performer may only hand it on."""

    code = "cannot_clear_performer"
    default_message = "You cannot change the task performer"


BODIES: dict[type[DomainError], Callable[[Any], Any]] = {
    LoginFailed: lambda error: {"error": error.message},
    CannotClearPerformer: lambda error: {"Failure": error.message},
}
