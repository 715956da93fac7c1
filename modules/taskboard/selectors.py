"""Reads scoped to what the caller may see: a task exists only for its creator, its performer and staff.

Also the user lookups the account and task bodies need (a taken name, a performer by username).
"""

import re
import string
from collections.abc import Callable
from typing import Any

from django.db.models import F, Field, Model, Prefetch, Q, QuerySet

from core import fastpath
from core.body import MAX_PK
from core.errors import NotFound, PermissionDenied
from core.models import User
from core.pagination import EmptyListing, Listing
from modules.taskboard.errors import CANNOT_EDIT
from modules.taskboard.models import Comment, Task

_SEARCH_SEPARATORS = re.compile(r"[\s,\x00]+")
# Both databases fold the case of ASCII letters alike; beyond ASCII they differ (SQLite's LIKE
# not at all), so only ASCII case may make two terms one.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def char_max_length(model: type[Model], name: str) -> int:
    """A CharField's ``max_length``, which Django types as optional (it is set on every one)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.max_length is not None
    return field.max_length


# No task name (and no username) is longer; SQLite refuses a LIKE pattern of 50,000 bytes.
MAX_TERM_LENGTH = char_max_length(Task, "name")
_USERNAME_LENGTH = char_max_length(User, "username")


def _most_text(length: int) -> int:
    """The most characters k terms, none inside another, can hold when each is found in a text
    of ``length``: their starts and their ends both rise, so the total is at most k*(length-k+1).
    """
    half = (length + 1) // 2
    return half * (length + 1 - half)


# Terms none of which lies inside another match at different starts in the name and the
# username, so a task can match only so many, holding only so much text. Beyond that nothing
# matches; below it the query stays small (SQLite refuses an expression tree 1,000 deep).
MAX_MATCHING_TERMS = MAX_TERM_LENGTH + _USERNAME_LENGTH
MAX_MATCHING_TEXT = _most_text(MAX_TERM_LENGTH) + _most_text(_USERNAME_LENGTH)

# What a list row shows (schemas.TaskListOut), read as plain values: the other columns of the
# task and of its three users (password hashes, timestamps) would only be read, converted and
# thrown away, and model objects for a page and its 30 users cost more than the page's query.
_LIST_USERS = ("creator", "performer", "delegated_by")
_USER_COLUMNS = ("username", "email", "first_name", "last_name")
_LIST_COLUMNS = (
    "id",
    "name",
    "specification",
    "due_date",
    "status",
    "delegated",
    *(f"{user}_id" for user in _LIST_USERS),
    *(f"{user}__{column}" for user in _LIST_USERS for column in _USER_COLUMNS),
)
_LIST_ORDER = (F("due_date").desc(nulls_last=True), "-id")


def _matching(staff: bool, args: tuple[Any, ...]) -> QuerySet[Task]:
    """The tasks of a list: visible to the caller (``args[0]`` unless staff), each remaining
    argument a search term found in the name or the performer's username, ignoring case."""
    tasks = Task.objects.all()
    if not staff:
        tasks = tasks.filter(Q(creator_id=args[0]) | Q(performer_id=args[0]))
    for term in args if staff else args[1:]:
        tasks = tasks.filter(Q(name__icontains=term) | Q(performer__username__icontains=term))
    return tasks


def _page_of(staff: bool, start: int, stop: int) -> Callable[..., QuerySet[Any]]:
    """One page as values. Only the ids of the matching tasks are sorted (from the list's index)
    and the three users are joined for the page alone: SQLite otherwise joins the users of every
    visible task and sorts those wide rows. Still one query."""

    def build(*args: Any) -> QuerySet[Any]:
        ids = _matching(staff, args).order_by(*_LIST_ORDER).values("pk")[start:stop]
        return Task.objects.filter(pk__in=ids).order_by(*_LIST_ORDER).values(*_LIST_COLUMNS)

    return build


class TaskListing(Listing):
    """The task list as prepared reads (``core.fastpath.prepared``): compiled once per shape
    (staff or not, how many terms, which page), the caller and the terms bound. Rows are column
    values, turned into the list's items by ``shape``."""

    def __init__(
        self, *, actor: User, terms: list[str], shape: Callable[[dict[str, Any]], Any]
    ) -> None:
        self.staff = bool(actor.is_staff)
        self.args: tuple[Any, ...] = (*(() if self.staff else (actor.pk,)), *terms)
        self.kind = f"{self.staff}:{len(terms)}"
        self.shape = shape

    def page(self, start: int, stop: int) -> tuple[list[Any], int | None]:
        name = f"taskboard.task_page:{self.kind}:{start}:{stop}"
        rows = fastpath.prepared(name, _page_of(self.staff, start, stop), *self.args)
        return [self.shape(row) for row in rows], None

    def total(self) -> int:
        staff = self.staff
        name = f"taskboard.task_total:{self.kind}"
        return fastpath.prepared_count(name, lambda *args: _matching(staff, args), *self.args)


def _only_visible(tasks: QuerySet[Task], actor: User) -> QuerySet[Task]:
    if actor.is_staff:
        return tasks
    return tasks.filter(Q(creator_id=actor.pk) | Q(performer_id=actor.pk))


def task_visible(*, actor: User) -> QuerySet[Task]:
    """Every task the actor may see; the base of every other task read."""
    return _only_visible(Task.objects.all(), actor)


def task_list(
    *, actor: User, search: str | None = None, shape: Callable[[dict[str, Any]], Any]
) -> Listing:
    """Visible tasks, latest due date first (no due date last on every database), then newest,
    as ``shape`` makes each row's item.

    Each search term must appear in the task name or in the performer's username, ignoring case.
    """
    terms = search_terms(search)
    if terms is None:
        return EmptyListing()
    return TaskListing(actor=actor, terms=terms, shape=shape)


def search_terms(search: str | None) -> list[str] | None:
    """The terms that decide the result, split on whitespace and commas; None when no task can
    match them all.

    A term inside another one (ignoring ASCII case) matches wherever that one does, so it is
    left out: what remains is short enough for one query and gives the same tasks.
    """
    folded: dict[str, str] = {}
    for term in _SEARCH_SEPARATORS.split(search or ""):
        if len(term) > MAX_TERM_LENGTH:
            return None
        if term:
            folded.setdefault(term.translate(_ASCII_LOWER), term)
    kept: list[str] = []
    text = 0
    # Separators never occur in a term, so no term is found across two kept ones.
    haystack = ""
    for key in sorted(folded, key=len, reverse=True):
        if key not in haystack:
            kept.append(key)
            text += len(key)
            if len(kept) > MAX_MATCHING_TERMS or text > MAX_MATCHING_TEXT:
                return None
            haystack = "\x00".join(kept)
    return [folded[key] for key in kept]


def task_get(*, actor: User, task_id: int) -> Task:
    """One visible task with its users and comments (newest first); 404 for everything else."""
    comments = Comment.objects.select_related("author").order_by("-post_date", "-id")
    task = (
        task_visible(actor=actor)
        .select_related("creator", "performer", "delegated_by")
        .prefetch_related(Prefetch("task_comments", queryset=comments))
        .filter(pk=task_id)
        .first()
        if 0 < task_id <= MAX_PK
        else None
    )
    if task is None:
        raise NotFound()
    return task


def task_find(
    *, actor: User, task_id: int | None = None, name: str | None = None, for_update: bool = False
) -> Task | None:
    """A visible task by id or exact name (None when invisible); ``for_update`` locks the row.

    Its creator and performer come along: every write emails both. Only the task row is locked
    (PostgreSQL cannot lock the nullable side of the performer's outer join).
    """
    tasks = task_visible(actor=actor).select_related("creator", "performer")
    if for_update:
        tasks = tasks.select_for_update(of=("self",))
    if task_id is not None:
        return fastpath.first(tasks.filter(pk=task_id)) if 0 < task_id <= MAX_PK else None
    return fastpath.first(tasks.filter(name=name))


def task_get_visible(*, actor: User, task_id: int, for_update: bool = False) -> Task:
    """A visible task with its creator and performer; an invisible one is the same 404 as an
    unknown id."""
    task = task_find(actor=actor, task_id=task_id, for_update=for_update)
    if task is None:
        raise NotFound()
    return task


def task_check_editor(*, actor: User, task: Task) -> None:
    """Only the creator or the current performer may change or delete a task; staff only see."""
    if actor.pk not in (task.creator_id, task.performer_id):
        raise PermissionDenied(CANNOT_EDIT)


def task_get_editable(*, actor: User, task_id: int, for_update: bool = False) -> Task:
    """A task the actor may change: 404 when invisible, then 403 when not one of its parties."""
    task = task_get_visible(actor=actor, task_id=task_id, for_update=for_update)
    task_check_editor(actor=actor, task=task)
    return task


def task_name_taken(*, name: str, task_id: int | None = None) -> bool:
    """Another task uses the name (exactly, as the unique index compares); a task may keep its
    own."""
    others = Task.objects.filter(name=name)
    if task_id is not None:
        others = others.exclude(pk=task_id)
    return others.exists()


def user_list() -> QuerySet[User]:
    """Every user: any of them may be made a task's performer."""
    return User.objects.all()


def user_find(*, username: str) -> User | None:
    """The user with exactly this username (tasks name their performer by it)."""
    return User.objects.filter(username=username).first()


def user_username_taken(*, username: str) -> bool:
    """Usernames match exactly, as the unique index does."""
    return User.objects.filter(username=username).exists()


def user_email_taken(*, email: str) -> bool:
    """Addresses match ignoring case, as the unique index on lower(email) does."""
    return User.objects.filter(email__iexact=email).exists()
