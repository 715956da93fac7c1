"""Each TaskTable request body read with ``core.body``, field by field in the legacy order.

The checks that need the database (a taken name or address, an unknown username, a task named
by id or by name) run while reading, so one 400 lists them with every format error, as DRF did.
Each reader answers the keyword arguments of the service its view calls.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, NotRequired, TypedDict, cast

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest

from core.body import (
    MISSING,
    Body,
    Choice,
    Date,
    Email,
    Integer,
    Invalid,
    PrimaryKey,
    Text,
    read_body,
    request_data,
)
from core.errors import ParseError, UnsupportedMediaType
from core.models import User
from modules.taskboard import selectors
from modules.taskboard.errors import (
    EMAIL_TAKEN,
    NAME_TAKEN,
    NAME_TAKEN_LEGACY,
    NO_SUCH_TASK,
    NO_SUCH_USER,
    TASK_NOT_FOUND,
    USERNAME_TAKEN,
)
from modules.taskboard.models import Task
from modules.taskboard.services.accounts import EMAIL_MAX, USERNAME_MAX
from modules.taskboard.services.tasks import TaskChanges

NAME_MAX = Task._meta.get_field("name").max_length
_username_rules = UnicodeUsernameValidator()


# Accounts


class Registration(TypedDict):
    username: str
    email: str
    password: str


def registration(request: HttpRequest) -> Registration:
    """A free, valid username and address, and a password Django's validators accept for them."""
    body = read_body(request)
    username = body.get(
        "username", Text(max_length=USERNAME_MAX, validators=[_django(_username_rules)])
    )
    if username is not MISSING:
        _username_free(body, username)
    email = body.get("email", Email(max_length=EMAIL_MAX))
    if email is not MISSING:
        _email_free(body, email)
    password = body.get("password", Text(trim=False))
    if password is not MISSING:
        # Compared with the username and address only when they are valid, as DRF did.
        candidate = User(
            username=username if body.ok("username") else None,
            email=email if body.ok("email") else "",
        )
        try:
            validate_password(password, candidate)
        except DjangoValidationError as exc:
            for message in exc.messages:
                body.fail("password", message)
    body.raise_if_any()
    return Registration(username=username, email=email, password=password)


def _username_free(body: Body, username: str) -> None:
    if body.ok("username") and selectors.user_username_taken(username=username):
        body.fail("username", USERNAME_TAKEN)


def _email_free(body: Body, email: str) -> None:
    if body.ok("email") and selectors.user_email_taken(email=email):
        body.fail("email", EMAIL_TAKEN)


def _django(validator: Callable[[str], None]) -> Callable[[str], None]:
    """A Django validator as a field's validator, its messages kept."""

    def check(value: str) -> None:
        try:
            validator(value)
        except DjangoValidationError as exc:
            raise Invalid(*exc.messages) from None

    return check


class Credentials(TypedDict):
    username: str
    password: str


def credentials(request: HttpRequest) -> Credentials:
    """``username`` is a username or an email address."""
    body = read_body(request)
    credentials = Credentials(
        username=body.get("username", Text()),
        password=body.get("password", Text(trim=False)),
    )
    body.raise_if_any()
    return credentials


def logout_token(request: HttpRequest) -> str | None:
    """The refresh token to revoke, if any: logout answers 200 whatever the client sends (spec
    §5), so a body that cannot be read, or is not an object, counts as empty."""
    try:
        data = request_data(request)
    except (ParseError, UnsupportedMediaType):
        return None
    refresh = data.get("refresh") if isinstance(data, dict) else None
    return refresh if isinstance(refresh, str) else None


# Tasks


class LegacyTask(TypedDict):
    name: str
    specification: str
    due_date: date
    performer: User


class LegacyTaskUpdate(LegacyTask):
    task_id: int
    status: str


class NewTask(TypedDict):
    name: str
    specification: str
    due_date: NotRequired[date | None]
    performer: NotRequired[User | None]
    status: NotRequired[str]


def legacy_task(request: HttpRequest) -> LegacyTask:
    """``/api/taskcreation/``: every field required, the performer named by username."""
    body = read_body(request)
    task = LegacyTask(
        name=_free_name(body, message=NAME_TAKEN_LEGACY),
        specification=body.get("specification", Text()),
        due_date=body.get("due_date", Date(blank_is_null=False)),
        performer=body.get("performer", Text(validators=[_existing_user])),
    )
    body.raise_if_any()
    return task


def legacy_task_update(request: HttpRequest, *, actor: User) -> LegacyTaskUpdate:
    """``/api/taskupdate/``: ``task_id`` names a task the actor can see; every field required."""
    body = read_body(request)
    task_id = body.get("task_id", Integer())
    task = None
    if task_id is not MISSING:
        task = selectors.task_find(actor=actor, task_id=task_id)
        if task is None:
            body.fail("task_id", TASK_NOT_FOUND)
    update = LegacyTaskUpdate(
        task_id=task_id,
        name=_free_name(body, message=NAME_TAKEN_LEGACY, task=task),
        specification=body.get("specification", Text()),
        due_date=body.get("due_date", Date(blank_is_null=False)),
        performer=body.get("performer", Text(validators=[_existing_user])),
        status=body.get("status", Choice(Task.Status.values)),
    )
    body.raise_if_any()
    return update


def new_task(request: HttpRequest) -> NewTask:
    """``POST /api/tasks/``: name and specification required, the performer a user id."""
    return cast(NewTask, _task_fields(read_body(request), task=None, partial=False))


def task_changes(request: HttpRequest, *, task: Task, partial: bool) -> TaskChanges:
    """PUT (``partial=False``: name and specification required) or PATCH of ``task``."""
    return _task_fields(read_body(request), task=task, partial=partial)


def _task_fields(body: Body, *, task: Task | None, partial: bool) -> TaskChanges:
    """The writable fields of ``/api/tasks/``; only those sent are answered."""
    fields = {
        "name": _free_name(body, message=NAME_TAKEN, task=task, required=not partial),
        "specification": body.get("specification", Text(required=not partial)),
        "due_date": body.get("due_date", Date(required=False, allow_null=True)),
        "performer": body.get(
            "performer", PrimaryKey(selectors.user_list(), required=False, allow_null=True)
        ),
        "status": body.get("status", Choice(Task.Status.values, required=False)),
    }
    body.raise_if_any()
    return cast(
        TaskChanges, {name: value for name, value in fields.items() if value is not MISSING}
    )


def _free_name(body: Body, *, message: str, task: Task | None = None, required: bool = True) -> Any:
    """A valid name no other task uses; a task may keep its own."""
    name = body.get("name", Text(required=required, max_length=NAME_MAX))
    task_id = task.pk if task is not None else None
    if name is not MISSING and selectors.task_name_taken(name=name, task_id=task_id):
        body.fail("name", message)
        return MISSING
    return name


def _existing_user(username: str) -> User:
    user = selectors.user_find(username=username)
    if user is None:
        raise Invalid(NO_SUCH_USER)
    return user


# Comments


class LegacyComment(TypedDict):
    task: Task
    description: str


def legacy_comment(request: HttpRequest, *, actor: User) -> LegacyComment:
    """``/api/addcomment/``: the task is named exactly; one the actor cannot see is "no task"."""
    body = read_body(request)

    def visible_task(name: str) -> Task:
        task = selectors.task_find(actor=actor, name=name)
        if task is None:
            raise Invalid(NO_SUCH_TASK)
        return task

    comment = LegacyComment(
        task=body.get("task_name", Text(validators=[visible_task])),
        description=body.get("description", Text()),
    )
    body.raise_if_any()
    return comment


def comment_description(request: HttpRequest) -> str:
    body = read_body(request)
    description = body.get("description", Text())
    body.raise_if_any()
    return cast(str, description)
