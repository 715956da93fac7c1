"""TaskTable's endpoints (spec taskboard.md §5): parse, call one service or selector, shape the answer."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.throttling import BaseThrottle

from core.auth import AuthedRequest, AuthThrottle
from core.pagination import LimitOffsetPagination, paginate_rendered
from core.schemas import ErrorOut, ValidationErrorOut, body_docs, form_bodies
from core.storage import signed_url
from modules.taskboard import bodies, selectors, services
from modules.taskboard.models import Task
from modules.taskboard.schemas import (
    LOGOUT_BODY,
    AddCommentIn,
    ApiRootOut,
    CommentAddedOut,
    CommentIn,
    CommentPublishedOut,
    FailureOut,
    ImageOut,
    LoginErrorOut,
    LoginIn,
    LoginOut,
    LogoutOut,
    RegisteredOut,
    RegistrationIn,
    TaskCreatedOut,
    TaskCreationIn,
    TaskDetailOut,
    TaskIn,
    TaskListOut,
    TaskPatch,
    TaskUpdatedOut,
    TaskUpdateIn,
    TaskWriteOut,
    task_list_item,
    task_url,
)

router = Router(tags=["taskboard"])

THROTTLE: list[BaseThrottle] = [AuthThrottle()]
UNAUTHORIZED = {401: ErrorOut}
# A performer who tries to clear the performer gets the legacy body; other refusals {"detail"}.
FORBIDDEN = {403: ErrorOut | FailureOut}

# Every body is read with ``bodies`` (core.body). Views without an object in the path also
# declare theirs as ``payload``, only so that the OpenAPI document keeps naming their schemas
# (``BodyIn`` drops whatever ninja hands over). Views with one read the body after finding the
# object and checking the caller, a 404 or 403 coming before a 400 as in the legacy API, and
# document it with ``body_docs``.


@router.post(
    "/registration/",
    auth=None,
    throttle=THROTTLE,
    response={201: RegisteredOut, 400: ValidationErrorOut, 429: ErrorOut},
    summary="Register a new user (TaskTable)",
    openapi_extra=form_bodies(RegistrationIn),
)
def register_taskboard_user(request: HttpRequest, payload: RegistrationIn | None = None) -> Status:
    user = services.user_register(**bodies.registration(request))
    return Status(201, {"Success. User ID": user.pk})


@router.post(
    "/login/",
    auth=None,
    throttle=THROTTLE,
    response={200: LoginOut, 400: LoginErrorOut | ValidationErrorOut, 429: ErrorOut},
    summary="Log in with a username or an email address",
    description="Answers a bearer access token (`Authorization`) and a refresh token.",
    openapi_extra=form_bodies(LoginIn),
)
def login_taskboard_user(request: HttpRequest, payload: LoginIn | None = None) -> dict[str, str]:
    tokens = services.user_login(**bodies.credentials(request))
    return {"Authorization": f"Bearer {tokens['access']}", "refresh": tokens["refresh"]}


@router.post(
    "/logout/",
    auth=None,
    response={200: LogoutOut},
    summary="Log out: revoke the refresh token sent, if any",
    description=(
        "Succeeds whatever the body (absent, unreadable, a token that is invalid or already "
        "revoked). An access token stays valid until it expires."
    ),
    openapi_extra={"requestBody": LOGOUT_BODY},
)
def logout_taskboard_user(request: HttpRequest) -> dict[str, str]:
    services.user_logout(refresh=bodies.logout_token(request))
    return {"success": "Sucessfully logged out"}


@router.post(
    "/taskcreation/",
    response={201: TaskCreatedOut, 400: ValidationErrorOut, **UNAUTHORIZED},
    summary="Create a task for a performer named by username (legacy)",
    openapi_extra=form_bodies(TaskCreationIn),
)
def create_legacy_task(request: AuthedRequest, payload: TaskCreationIn | None = None) -> Status:
    task = services.task_create_legacy(actor=request.auth, **bodies.legacy_task(request))
    return Status(201, {f"task '{task.name}' created successfully. Task id": task.pk})


@router.put(
    "/taskupdate/",
    response={200: TaskUpdatedOut, 400: ValidationErrorOut, **UNAUTHORIZED, **FORBIDDEN},
    summary="Overwrite every field of a task (legacy)",
    openapi_extra=form_bodies(TaskUpdateIn),
)
def update_legacy_task(
    request: AuthedRequest, payload: TaskUpdateIn | None = None
) -> dict[str, str]:
    update = bodies.legacy_task_update(request, actor=request.auth)
    task = services.task_update_legacy(actor=request.auth, **update)
    return {"Success": f"task '{task.name}' has been updated"}


@router.post(
    "/addcomment/",
    response={201: CommentPublishedOut, 400: ValidationErrorOut, **UNAUTHORIZED},
    summary="Comment on a task named exactly (legacy)",
    openapi_extra=form_bodies(AddCommentIn),
)
def add_legacy_comment(request: AuthedRequest, payload: AddCommentIn | None = None) -> Status:
    services.comment_add(actor=request.auth, **bodies.legacy_comment(request, actor=request.auth))
    return Status(201, {"success": "Comment on the task was published successfully"})


@router.get("/", auth=None, response=ApiRootOut, summary="TaskTable API root")
def get_taskboard_root(request: HttpRequest) -> dict[str, str]:
    return {"tasks": request.build_absolute_uri(reverse("api:list_tasks"))}


@router.get(
    "/tasks/",
    response={200: list[TaskListOut], **UNAUTHORIZED},
    summary="Tasks the caller creates or performs (staff: all), latest due date first",
    description=(
        "`search`: terms split on spaces and commas; each must appear in the task name or the "
        "performer's username (case-insensitive). "
        "`limit` (default 10, at most 100) and `offset` page the results."
    ),
)
@paginate_rendered(LimitOffsetPagination, default_limit=10, max_limit=100)
def list_tasks(request: AuthedRequest, search: str | None = None) -> Any:
    return selectors.task_list(actor=request.auth, search=search, shape=task_list_item(request))


@router.post(
    "/tasks/",
    response={201: TaskWriteOut, 400: ValidationErrorOut, **UNAUTHORIZED},
    summary="Create a task; the caller is its creator",
    openapi_extra=form_bodies(TaskIn),
)
def create_task(
    request: AuthedRequest, response: HttpResponse, payload: TaskIn | None = None
) -> Status:
    task = services.task_create(actor=request.auth, **bodies.new_task(request))
    response["Location"] = task_url(request, task.pk)
    return Status(201, task)


@router.get(
    "/tasks/{int:task_id}/",
    response={200: TaskDetailOut, **UNAUTHORIZED, 404: ErrorOut},
    summary="One task with its comments, newest first",
)
def get_task(request: AuthedRequest, task_id: int) -> Task:
    return selectors.task_get(actor=request.auth, task_id=task_id)


@router.put(
    "/tasks/{int:task_id}/",
    response={
        200: TaskWriteOut,
        400: ValidationErrorOut,
        **UNAUTHORIZED,
        **FORBIDDEN,
        404: ErrorOut,
    },
    summary="Update a task (name and specification required)",
    openapi_extra=body_docs(TaskIn),
)
def replace_task(request: AuthedRequest, task_id: int) -> Task:
    task = selectors.task_get_editable(actor=request.auth, task_id=task_id)
    changes = bodies.task_changes(request, task=task, partial=False)
    return services.task_update(actor=request.auth, task_id=task_id, **changes)


@router.patch(
    "/tasks/{int:task_id}/",
    response={
        200: TaskWriteOut,
        400: ValidationErrorOut,
        **UNAUTHORIZED,
        **FORBIDDEN,
        404: ErrorOut,
    },
    summary="Update some fields of a task",
    openapi_extra=body_docs(TaskPatch),
)
def update_task(request: AuthedRequest, task_id: int) -> Task:
    task = selectors.task_get_editable(actor=request.auth, task_id=task_id)
    changes = bodies.task_changes(request, task=task, partial=True)
    return services.task_update(actor=request.auth, task_id=task_id, **changes)


@router.delete(
    "/tasks/{int:task_id}/",
    response={204: None, **UNAUTHORIZED, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a task and its comments",
)
def delete_task(request: AuthedRequest, task_id: int) -> Status:
    services.task_delete(actor=request.auth, task_id=task_id)
    return Status(204, None)


@router.post(
    "/tasks/{int:task_id}/add_comment/",
    response={201: CommentAddedOut, 400: ValidationErrorOut, **UNAUTHORIZED, 404: ErrorOut},
    summary="Comment on a task",
    openapi_extra=body_docs(CommentIn),
)
def add_task_comment(request: AuthedRequest, task_id: int) -> Status:
    task = selectors.task_get_visible(actor=request.auth, task_id=task_id)
    description = bodies.comment_description(request)
    services.comment_add(actor=request.auth, task=task, description=description)
    return Status(201, {"status": "comment added"})


@router.post(
    "/upload/",
    response={
        201: ImageOut,
        400: ValidationErrorOut,
        **UNAUTHORIZED,
        413: ErrorOut,
        415: ErrorOut,
    },
    summary="Upload a PNG, JPEG, GIF or WebP image; answers a private short-lived link",
)
def upload_task_image(
    request: AuthedRequest, image_file: File[UploadedFile | None] = None
) -> Status:
    upload = services.upload_create(actor=request.auth, image_file=image_file)
    url = signed_url(
        request,
        upload.file.name,
        content_type=upload.content_type,
        max_age=services.IMAGE_URL_MAX_AGE,
    )
    return Status(201, {"image_url": url})
