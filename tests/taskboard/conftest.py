"""Taskboard fixtures: peter, mary, eve and a staff user, tasks, and "nothing changed" snapshots."""

import itertools
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from model_bakery import baker

from core.models import OutboxEmail, User
from modules.taskboard.models import Comment, Task, Upload
from tests.conftest import bearer, make_user


@pytest.fixture
def peter() -> User:
    return make_user(username="peter", email="peter@example.com", password="peter-pass-1")


@pytest.fixture
def mary() -> User:
    return make_user(username="mary", email="mary@example.com", password="mary-pass-1")


@pytest.fixture
def eve() -> User:
    return make_user(username="eve", email="eve@example.com")


@pytest.fixture
def staff() -> User:
    return make_user(username="boss", email="boss@example.com", is_staff=True)


def today() -> date:
    return timezone.localdate()


def days(n: int) -> str:
    """An ISO date ``n`` days from today."""
    return (today() + timedelta(days=n)).isoformat()


_task_numbers = itertools.count(1)


def make_task(**fields: Any) -> Task:
    if "name" not in fields:
        fields["name"] = f"Task {next(_task_numbers)}"
    fields.setdefault("specification", "Do it.")
    fields.setdefault("due_date", today() + timedelta(days=10))
    return baker.make(Task, **fields)


def send(client: Client, method: str, url: str, body: Any = None, user: User | None = None) -> Any:
    """A JSON request (GET: ``body`` is the query), authenticated as ``user`` when given."""
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, body, **headers)
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def snapshot() -> dict[str, Any]:
    """Everything a taskboard request may write; equal before and after = nothing changed."""
    return {
        "tasks": list(Task.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "uploads": list(Upload.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "username", "email", "password")),
        "emails": OutboxEmail.objects.count(),
        "sent": len(mail.outbox),
    }
