"""Task and comment writes: the shared rules of spec §4, one transaction each, emails in the outbox.

The views check the fields (and the names and users they refer to) before calling; what is left
here are the rules that come after them in the legacy order: the due date, who may edit, the
performer rule, and a lost race on the unique name.
"""

from datetime import date
from typing import TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ValidationFailed
from core.models import User
from modules.taskboard import selectors
from modules.taskboard.errors import (
    DUE_DATE_IN_PAST,
    NAME_TAKEN,
    NAME_TAKEN_LEGACY,
    TASK_NOT_FOUND,
    CannotClearPerformer,
)
from modules.taskboard.models import Comment, Task
from modules.taskboard.notifications import comment_notify, task_notify


class TaskChanges(TypedDict, total=False):
    """The writable fields of a task; a field left out is left as it is."""

    name: str
    specification: str
    due_date: date | None
    performer: User | None
    status: str


def task_create_legacy(
    *, actor: User, name: str, specification: str, due_date: date, performer: User
) -> Task:
    """``/api/taskcreation/``: the caller creates a task for a performer named by username."""
    task = Task(
        creator=actor,
        name=name,
        specification=specification,
        due_date=due_date,
        performer=performer,
    )
    return _insert(task, name_message=NAME_TAKEN_LEGACY)


def task_update_legacy(
    *,
    actor: User,
    task_id: int,
    name: str,
    specification: str,
    due_date: date,
    performer: User,
    status: str,
) -> Task:
    """``/api/taskupdate/``: overwrite every field of a visible task; the due date is checked
    before who may edit, as the legacy API did."""
    with transaction.atomic():
        task = selectors.task_find(actor=actor, task_id=task_id, for_update=True)
        if task is None:  # deleted (or handed on) since the view looked it up
            raise ValidationFailed(field="task_id", message=TASK_NOT_FOUND)
        _check_due_date(due_date, stored=task.due_date)
        selectors.task_check_editor(actor=actor, task=task)
        _apply(
            task,
            actor,
            TaskChanges(
                name=name,
                specification=specification,
                due_date=due_date,
                performer=performer,
                status=status,
            ),
        )
        _save(task, name_message=NAME_TAKEN_LEGACY, created=False)
    return task


def task_create(
    *,
    actor: User,
    name: str,
    specification: str,
    due_date: date | None = None,
    performer: User | None = None,
    status: str = Task.Status.NEW,
) -> Task:
    """``POST /api/tasks/``: the caller becomes the creator."""
    task = Task(
        creator=actor,
        name=name,
        specification=specification,
        due_date=due_date,
        performer=performer,
        status=status,
    )
    return _insert(task, name_message=NAME_TAKEN)


def _insert(task: Task, *, name_message: str) -> Task:
    _check_due_date(task.due_date, stored=None)
    _save(task, name_message=name_message, created=True)
    return task


def task_update(*, actor: User, task_id: int, **changes: Unpack[TaskChanges]) -> Task:
    """PUT or PATCH of a task the actor may edit: only the fields given change.

    Both follow one rule for the performer, so PATCH is no way around what PUT refuses.
    """
    with transaction.atomic():
        task = selectors.task_get_editable(actor=actor, task_id=task_id, for_update=True)
        _check_due_date(changes.get("due_date"), stored=task.due_date)
        _apply(task, actor, changes)
        _save(task, name_message=NAME_TAKEN, created=False)
    return task


def task_delete(*, actor: User, task_id: int) -> None:
    """Only the creator or the current performer may delete; the comments go with the task."""
    with transaction.atomic():
        task = selectors.task_get_editable(actor=actor, task_id=task_id, for_update=True)
        task.delete()


def comment_add(*, actor: User, task: Task, description: str) -> Comment:
    """A comment on a task the actor can see (``task`` comes from a selector scoped to them);
    its creator and performer are emailed."""
    with transaction.atomic():
        comment = Comment.objects.create(task=task, author=actor, description=description)
        comment_notify(comment=comment)
    return comment


def _check_due_date(due_date: date | None, *, stored: date | None) -> None:
    """A due date that is set or changed may not lie before today; an old one may stay."""
    if due_date is None or due_date == stored:
        return
    if due_date < timezone.localdate():
        raise ValidationFailed(message=DUE_DATE_IN_PAST)


def _apply(task: Task, actor: User, changes: TaskChanges) -> None:
    """Copy the given fields; a new performer is a reassignment (creator) or a delegation."""
    if "performer" in changes:
        performer = changes["performer"]
        if (performer.pk if performer else None) != task.performer_id:
            if actor.pk == task.creator_id:
                task.delegated, task.delegated_by = False, None
            elif performer is None:
                raise CannotClearPerformer()
            else:
                task.delegated, task.delegated_by = True, actor
            task.performer = performer
    for field, value in changes.items():
        if field != "performer":
            setattr(task, field, value)


def _save(task: Task, *, name_message: str, created: bool) -> None:
    """Write the task and queue its email together; a lost race on the name is the same 400."""
    try:
        with transaction.atomic():
            task.save()
            task_notify(task=task, created=created)
    except IntegrityError:
        if not selectors.task_name_taken(name=task.name, task_id=task.pk):
            raise
        raise ValidationFailed(field="name", message=name_message) from None
