"""Request and response shapes of the TaskTable API (spec §3 and §5).

Request schemas only describe the bodies for the OpenAPI document; the views read the bodies
themselves (``bodies.py``) so that format errors and database errors come back together, in
DRF's words, after the lookups the legacy API answered first.
"""

import functools
from collections.abc import Callable
from datetime import UTC, date
from typing import Annotated, Any, TypeAlias, cast

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from ninja import Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from core.schemas import body_docs
from modules.taskboard.models import Comment, Task


def _described(**json_schema: Any) -> WithJsonSchema:
    return WithJsonSchema(json_schema)


def _required(*names: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"required": list(names)})


def _nullable(**json_schema: Any) -> WithJsonSchema:
    return _described(anyOf=[json_schema, {"type": "null"}])


# Fields typed Any (``BodyIn`` reads nothing), shown in the OpenAPI document as described here.
Text: TypeAlias = Annotated[Any, _described(type="string", minLength=1)]
Username: TypeAlias = Annotated[
    Any, _described(type="string", minLength=1, maxLength=150, example="mary")
]
TaskName: TypeAlias = Annotated[
    Any, _described(type="string", minLength=1, maxLength=200, example="NY is in danger!")
]
Day: TypeAlias = Annotated[Any, _described(type="string", format="date", example="2026-12-20")]
StatusCode: TypeAlias = Annotated[
    Any, _described(type="string", enum=Task.Status.values, example="n")
]
TaskId: TypeAlias = Annotated[Any, _described(type="integer", minimum=1, example=1)]
NullableDay: TypeAlias = Annotated[
    Any, _nullable(type="string", format="date", example="2026-12-20")
]
NullableUserId: TypeAlias = Annotated[Any, _nullable(type="integer", minimum=1, example=2)]

STATUS_DESCRIPTION = "n: New, w: In work, c: Completed"


# Requests


class BodyIn(Schema):
    """A request body as the OpenAPI document shows it, and nothing more.

    A view that declares one (``payload``) only documents it: ninja hands over whatever arrived
    and it is dropped unread here, since the view reads the body itself (``bodies.py``).
    """

    @model_validator(mode="before")
    @classmethod
    def _unread(cls, data: Any) -> dict[str, Any]:
        return {}


class RegistrationIn(BodyIn):
    model_config = _required("username", "email", "password")

    username: Username = None
    email: Annotated[Any, WithJsonSchema({"type": "string", "format": "email"})] = None
    password: Text = None


class LoginIn(BodyIn):
    model_config = _required("username", "password")

    username: Annotated[
        Any, WithJsonSchema({"type": "string", "description": "username or email"})
    ] = None
    password: Text = None


class LogoutIn(BodyIn):
    refresh: Annotated[
        Any, _described(type="string", description="the refresh token to revoke")
    ] = None


# Logout also takes no body at all.
LOGOUT_BODY = {**body_docs(LogoutIn)["requestBody"], "required": False}


class TaskCreationIn(BodyIn):
    model_config = _required("name", "specification", "due_date", "performer")

    name: TaskName = None
    specification: Text = None
    due_date: Day = None
    performer: Username = None


class TaskUpdateIn(BodyIn):
    model_config = _required("task_id", "name", "specification", "due_date", "performer", "status")

    task_id: TaskId = None
    name: TaskName = None
    specification: Text = None
    due_date: Day = None
    performer: Username = None
    status: StatusCode = Field(None, description=STATUS_DESCRIPTION)


class AddCommentIn(BodyIn):
    model_config = _required("task_name", "description")

    task_name: TaskName = None
    description: Text = None


class TaskIn(BodyIn):
    """POST and PUT ``/api/tasks/``: ``creator``, ``delegated``, ``delegated_by`` are read-only."""

    model_config = _required("name", "specification")

    name: TaskName = None
    specification: Text = None
    due_date: NullableDay = None
    performer: NullableUserId = Field(None, description="user id")
    status: StatusCode = Field(None, description=STATUS_DESCRIPTION)


class TaskPatch(BodyIn):
    name: TaskName = None
    specification: Text = None
    due_date: NullableDay = None
    performer: NullableUserId = Field(None, description="user id")
    status: StatusCode = Field(None, description=STATUS_DESCRIPTION)


class CommentIn(BodyIn):
    model_config = _required("description")

    description: Text = None


# Responses


def task_url(request: HttpRequest, task_id: int) -> str:
    return request.build_absolute_uri(reverse("api:get_task", kwargs={"task_id": task_id}))


@functools.lru_cache(maxsize=16)
def _first_task_path(prefix: str, urlconf: str | None) -> str:
    """Task 0's path under a script prefix and URLconf: reversing cost a list page more than
    building its ten links."""
    return reverse("api:get_task", kwargs={"task_id": 0})


def task_url_maker(request: HttpRequest) -> Callable[[int], str]:
    """``task_url`` for many tasks of one request: the route is reversed once, not per task."""
    path = _first_task_path(get_script_prefix(), get_urlconf())
    head, marker, tail = request.build_absolute_uri(path).rpartition("/0/")
    if not marker:
        return lambda task_id: task_url(request, task_id)
    return lambda task_id: f"{head}/{task_id}/{tail}"


# The list's shapes are read by pydantic itself (from_attributes), without ninja Schema's
# attribute getter: a page nests up to 300 users, and that getter cost more than the rest of the
# page. No docstrings: they would become descriptions in the OpenAPI document.
class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str | None
    email: str
    first_name: str
    last_name: str


class TaskBase(Schema):
    id: int
    name: str
    specification: str
    due_date: date | None
    creator: UserOut | None
    performer: UserOut | None
    status: str = Field(description=STATUS_DESCRIPTION)
    delegated: bool
    delegated_by: UserOut | None


class TaskListOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    url: str
    id: int
    name: str
    specification: str
    due_date: date | None
    creator: UserOut | None
    performer: UserOut | None
    status: str = Field(description=STATUS_DESCRIPTION)
    delegated: bool
    delegated_by: UserOut | None

    @model_validator(mode="before")
    @classmethod
    def _from_task(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, Task):
            return data
        # ninja validates every response with a context (holding the request); pydantic types
        # it as optional.
        context = cast(dict[str, Any], info.context)
        make_url = context.get("task_url")
        if make_url is None:
            make_url = context["task_url"] = task_url_maker(context["request"])
        return {
            "url": make_url(data.pk),
            "id": data.pk,
            "name": data.name,
            "specification": data.specification,
            "due_date": data.due_date,
            "creator": data.creator,
            "performer": data.performer,
            "status": data.status,
            "delegated": data.delegated,
            "delegated_by": data.delegated_by,
        }


def task_list_item(request: HttpRequest) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A list row of column values (``selectors.task_list``) as ``TaskListOut`` dumps it and
    the JSON encoder then writes it (the date as text): for pages written without validating
    them again."""
    make_url = task_url_maker(request)

    def user(row: dict[str, Any], role: str) -> dict[str, Any] | None:
        user_id = row[f"{role}_id"]
        if user_id is None:
            return None
        return {
            "id": user_id,
            "username": row[f"{role}__username"],
            "email": row[f"{role}__email"],
            "first_name": row[f"{role}__first_name"],
            "last_name": row[f"{role}__last_name"],
        }

    def item(row: dict[str, Any]) -> dict[str, Any]:
        due_date = row["due_date"]
        return {
            "url": make_url(row["id"]),
            "id": row["id"],
            "name": row["name"],
            "specification": row["specification"],
            "due_date": None if due_date is None else due_date.isoformat(),
            "creator": user(row, "creator"),
            "performer": user(row, "performer"),
            "status": row["status"],
            "delegated": row["delegated"],
            "delegated_by": user(row, "delegated_by"),
        }

    return item


class CommentOut(Schema):
    description: str
    author: UserOut | None
    post_date: str = Field(examples=["21.11.2026 23:53"], description="UTC, %d.%m.%Y %H:%M")

    @staticmethod
    def resolve_post_date(comment: Comment) -> str:
        return comment.post_date.astimezone(UTC).strftime("%d.%m.%Y %H:%M")


class TaskDetailOut(TaskBase):
    task_comments: list[CommentOut]

    @staticmethod
    def resolve_task_comments(task: Task) -> list[Comment]:
        return list(task.task_comments.all())


class TaskWriteOut(Schema):
    url: str
    id: int
    name: str
    specification: str
    due_date: date | None
    creator: int | None
    performer: int | None
    status: str = Field(description=STATUS_DESCRIPTION)
    delegated: bool
    delegated_by: int | None

    @staticmethod
    def resolve_url(task: Task, context: dict[str, Any]) -> str:
        return task_url(context["request"], task.pk)

    @staticmethod
    def resolve_creator(task: Task) -> int | None:
        return task.creator_id

    @staticmethod
    def resolve_performer(task: Task) -> int | None:
        return task.performer_id

    @staticmethod
    def resolve_delegated_by(task: Task) -> int | None:
        return task.delegated_by_id


class RegisteredOut(RootModel[dict[str, int]]):
    model_config = ConfigDict(json_schema_extra={"example": {"Success. User ID": 7}})


class LoginOut(Schema):
    Authorization: str = Field(examples=["Bearer eyJ..."])
    refresh: str


class LoginErrorOut(Schema):
    error: str = Field(examples=["username or password invalid"])


class LogoutOut(Schema):
    success: str = Field(examples=["Sucessfully logged out"])


class TaskCreatedOut(RootModel[dict[str, int]]):
    model_config = ConfigDict(
        json_schema_extra={"example": {"task 'NY is in danger!' created successfully. Task id": 12}}
    )


class TaskUpdatedOut(Schema):
    Success: str = Field(examples=["task 'NY is in danger! Again...' has been updated"])


class CommentPublishedOut(Schema):
    success: str = Field(examples=["Comment on the task was published successfully"])


class CommentAddedOut(Schema):
    status: str = Field(examples=["comment added"])


class FailureOut(Schema):
    Failure: str = Field(examples=["You cannot change the task performer"])


class ApiRootOut(Schema):
    tasks: str = Field(examples=["http://testserver/api/tasks/"])


class ImageOut(Schema):
    image_url: str
