"""Taskboard writes: tasks and comments, accounts, image uploads."""

from modules.taskboard.services.accounts import user_login, user_logout, user_register
from modules.taskboard.services.tasks import (
    comment_add,
    task_create,
    task_create_legacy,
    task_delete,
    task_update,
    task_update_legacy,
)
from modules.taskboard.services.uploads import IMAGE_URL_MAX_AGE, upload_create

__all__ = [
    "IMAGE_URL_MAX_AGE",
    "comment_add",
    "task_create",
    "task_create_legacy",
    "task_delete",
    "task_update",
    "task_update_legacy",
    "upload_create",
    "user_login",
    "user_logout",
    "user_register",
]
