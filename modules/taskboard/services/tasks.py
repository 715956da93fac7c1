"""Task and comment writes: the shared rules of spec §4, one transaction each, emails in the outbox.

Every service takes the raw request body (``data``) because the legacy contract reports format
errors and database errors (a taken name, an unknown username) together, as DRF did.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import LegacyError, NotFound, PermissionDenied, ValidationFailed
from core.models import User
from modules.taskboard.models import Comment, Task
from modules.taskboard.notifications import comment_notify, task_notify
from modules.taskboard.selectors import task_find
from modules.taskboard.validation import MISSING, BodyFields

NAME_TAKEN_LEGACY = "a task with the same name already exists, try a another name"
NAME_TAKEN = "task with this name already exists."
NO_SUCH_USER = "there is no user with that username"
TASK_NOT_FOUND = "Task not found"
NO_SUCH_TASK = "there is no task with that name"
DUE_DATE_IN_PAST = "due date cannot be earlier than today's date"
CANNOT_EDIT = "Failure! You don't have permission to edit this task."
CANNOT_CLEAR_PERFORMER = {"Failure": "You cannot change the task performer"}

# The fields a task write may set, in DRF's declaration order.
_TASK_FIELDS = ("name", "specification", "due_date", "performer", "status")


def task_create_legacy(*, actor: User, data: Mapping[str, Any]) -> Task:
    """``/api/taskcreation/``: every field required, the performer named by username."""
    fields = BodyFields(data)
    values = {
        "name": _free_name(fields, message=NAME_TAKEN_LEGACY),
        "specification": fields.text("specification"),
        "due_date": fields.day("due_date"),
        "performer": _user_by_username(fields, "performer"),
    }
    fields.raise_if_any()
    _check_due_date(values["due_date"], stored=None)
    task = Task(creator=actor, **values)
    _save(task, name_message=NAME_TAKEN_LEGACY, created=True)
    return task


def task_update_legacy(*, actor: User, data: Mapping[str, Any]) -> Task:
    """``/api/taskupdate/``: overwrite every field of a visible task named by ``task_id``."""
    fields = BodyFields(data)
    with transaction.atomic():
        task_id = fields.integer("task_id")
        task = None
        if task_id is not MISSING:
            task = task_find(actor=actor, task_id=task_id, for_update=True)
            if task is None:
                fields.fail("task_id", TASK_NOT_FOUND)
        values = {
            "name": _free_name(fields, message=NAME_TAKEN_LEGACY, task=task),
            "specification": fields.text("specification"),
            "due_date": fields.day("due_date"),
            "performer": _user_by_username(fields, "performer"),
            "status": fields.choice("status", Task.Status.values),
        }
        fields.raise_if_any()
        assert task is not None  # no field error means task_id named a visible task
        _check_due_date(values["due_date"], stored=task.due_date)
        _check_editor(task, actor)
        _apply(task, actor, values)
        _save(task, name_message=NAME_TAKEN_LEGACY, created=False)
    return task


def task_create(*, actor: User, data: Mapping[str, Any]) -> Task:
    """``POST /api/tasks/``: the caller becomes the creator; the performer is a user id."""
    fields = BodyFields(data)
    values = _task_fields(fields, partial=False)
    fields.raise_if_any()
    _check_due_date(values["due_date"], stored=None)
    task = Task(creator=actor, **{k: v for k, v in values.items() if v is not MISSING})
    _save(task, name_message=NAME_TAKEN, created=True)
    return task


def task_update(*, actor: User, task_id: int, data: Mapping[str, Any], partial: bool) -> Task:
    """PUT (``partial=False``: name and specification required) or PATCH of a visible task.

    Both follow one rule for the performer, so PATCH is no way around what PUT refuses.
    """
    with transaction.atomic():
        task = _visible_task(actor, task_id, for_update=True)
        _check_editor(task, actor)
        fields = BodyFields(data)
        values = _task_fields(fields, partial=partial, task=task)
        fields.raise_if_any()
        _check_due_date(values["due_date"], stored=task.due_date)
        _apply(task, actor, values)
        _save(task, name_message=NAME_TAKEN, created=False)
    return task


def task_delete(*, actor: User, task_id: int) -> None:
    """Only the creator or the current performer may delete; the comments go with the task."""
    with transaction.atomic():
        task = _visible_task(actor, task_id, for_update=True)
        _check_editor(task, actor)
        task.delete()


def comment_add(*, actor: User, task_id: int, data: Mapping[str, Any]) -> Comment:
    """``POST /api/tasks/{id}/add_comment/``: anyone who can see the task may comment."""
    with transaction.atomic():
        task = _visible_task(actor, task_id)
        fields = BodyFields(data)
        description = fields.text("description")
        fields.raise_if_any()
        return _comment_insert(task, actor, description)


def comment_add_legacy(*, actor: User, data: Mapping[str, Any]) -> Comment:
    """``/api/addcomment/``: the task is named exactly; invisible tasks are "no task"."""
    fields = BodyFields(data)
    with transaction.atomic():
        name = fields.text("task_name")
        task = None
        if name is not MISSING:
            task = task_find(actor=actor, name=name)
            if task is None:
                fields.fail("task_name", NO_SUCH_TASK)
        description = fields.text("description")
        fields.raise_if_any()
        assert task is not None  # no field error means task_name named a visible task
        return _comment_insert(task, actor, description)


def _visible_task(actor: User, task_id: int, *, for_update: bool = False) -> Task:
    """An invisible task does not exist for the caller: the same 404 as an unknown id."""
    task = task_find(actor=actor, task_id=task_id, for_update=for_update)
    if task is None:
        raise NotFound()
    return task


def _comment_insert(task: Task, actor: User, description: str) -> Comment:
    comment = Comment.objects.create(task=task, author=actor, description=description)
    comment_notify(comment=comment)
    return comment


def _task_fields(fields: BodyFields, *, partial: bool, task: Task | None = None) -> dict[str, Any]:
    """The writable fields of ``/api/tasks/``; a field left out is ``MISSING``."""
    return {
        "name": _free_name(fields, message=NAME_TAKEN, task=task, required=not partial),
        "specification": fields.text("specification", required=not partial),
        "due_date": fields.day("due_date", required=False, allow_null=True),
        "performer": fields.related("performer", User.objects.all()),
        "status": fields.choice("status", Task.Status.values, required=False),
    }


def _free_name(
    fields: BodyFields, *, message: str, task: Task | None = None, required: bool = True
) -> Any:
    """A valid name no other task uses; a task may keep its own."""
    name = fields.text("name", required=required, max_length=200)
    if name is not MISSING and _name_taken(name, task):
        fields.fail("name", message)
        return MISSING
    return name


def _name_taken(name: str, task: Task | None) -> bool:
    """Another task uses the name (exactly, as the unique index compares)."""
    others = Task.objects.filter(name=name)
    if task is not None and task.pk is not None:
        others = others.exclude(pk=task.pk)
    return others.exists()


def _user_by_username(fields: BodyFields, name: str) -> Any:
    username = fields.text(name)
    if username is MISSING:
        return MISSING
    user = User.objects.filter(username=username).first()
    if user is None:
        fields.fail(name, NO_SUCH_USER)
        return MISSING
    return user


def _check_due_date(due_date: date | None, *, stored: date | None) -> None:
    """A due date that is set or changed may not lie before today; an old one may stay."""
    if due_date is MISSING or due_date is None or due_date == stored:
        return
    if due_date < timezone.localdate():
        raise ValidationFailed(message=DUE_DATE_IN_PAST)


def _check_editor(task: Task, actor: User) -> None:
    if actor.pk not in (task.creator_id, task.performer_id):
        raise PermissionDenied(CANNOT_EDIT)


def _apply(task: Task, actor: User, values: dict[str, Any]) -> None:
    """Copy the sent fields; a new performer is a reassignment (creator) or a delegation."""
    performer = values.get("performer", MISSING)
    if performer is not MISSING and (performer.pk if performer else None) != task.performer_id:
        if actor.pk == task.creator_id:
            task.delegated, task.delegated_by = False, None
        elif performer is None:
            raise LegacyError(CANNOT_CLEAR_PERFORMER, status_code=403)
        else:
            task.delegated, task.delegated_by = True, actor
        task.performer = performer
    for field in _TASK_FIELDS:
        if field != "performer" and values.get(field, MISSING) is not MISSING:
            setattr(task, field, values[field])


def _save(task: Task, *, name_message: str, created: bool) -> None:
    """Write the task and queue its email together; a lost race on the name is the same 400."""
    try:
        with transaction.atomic():
            task.save()
            task_notify(task=task, created=created)
    except IntegrityError:
        if not _name_taken(task.name, task):
            raise
        raise ValidationFailed(field="name", message=name_message) from None
