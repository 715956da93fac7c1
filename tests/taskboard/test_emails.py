"""Task emails: exact subjects and bodies, recipients, and the legacy retry policy."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxEmail
from modules.taskboard.models import Comment, Task
from modules.taskboard.notifications import comment_notify, task_notify
from tests.conftest import make_user
from tests.taskboard.conftest import days, make_task, send, today

pytestmark = pytest.mark.django_db


def test_created_email_through_the_legacy_endpoint(client, peter, mary, settings):
    due = days(30)
    body = {
        "name": "NY is in danger!",
        "specification": "Venom is planning something terrible.",
        "due_date": due,
        "performer": "mary",
    }

    send(client, "post", "/api/taskcreation/", body, peter)

    [message] = mail.outbox
    assert message.subject == "A new task has been created"
    assert message.to == ["peter@example.com", "mary@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body == (
        "Task name: NY is in danger!\n"
        "Specification: Venom is planning something terrible.\n"
        f"Due date: {due}\n"
        "Creator: peter\n"
        "Performer: mary\n"
        "Status: New"
    )
    assert message.alternatives == []


def test_outbox_row_carries_the_legacy_retry_policy(client, peter, mary):
    send(client, "post", "/api/tasks/", {"name": "x", "specification": "y"}, peter)

    email = OutboxEmail.objects.get()
    assert (email.max_retries, email.retry_delay) == (3, 300)
    assert email.status == OutboxEmail.Status.SENT
    assert email.to == ["peter@example.com"]


def test_changed_email_shows_the_task_after_the_change(client, peter, mary, eve):
    task = make_task(creator=peter, performer=mary, name="Old", status="n")

    send(
        client,
        "patch",
        f"/api/tasks/{task.pk}/",
        {"name": "New <b>&</b>", "performer": eve.pk, "status": "w", "due_date": None},
        mary,
    )

    [message] = mail.outbox
    assert message.subject == "The task has been changed"
    assert message.to == ["peter@example.com", "eve@example.com"]
    assert message.body == (
        "Task name: New <b>&</b>\n"
        "Specification: Do it.\n"
        "Due date: None\n"
        "Creator: peter\n"
        "Performer: eve\n"
        "Status: In work"
    )


def test_comment_email_adds_the_comment(client, peter, mary):
    task = make_task(
        creator=peter,
        performer=mary,
        name="NY is in danger!",
        specification="Venom is planning something terrible.",
        due_date=today() + timedelta(days=3),
        status="c",
    )

    send(
        client,
        "post",
        f"/api/tasks/{task.pk}/add_comment/",
        {"description": "Well, I got faith in you, Peter."},
        mary,
    )

    comment = Comment.objects.get()
    [message] = mail.outbox
    assert message.subject == "A new comment has been added to the task"
    assert message.body == (
        "Task name: NY is in danger!\n"
        "Specification: Venom is planning something terrible.\n"
        f"Due date: {task.due_date.isoformat()}\n"
        "Creator: peter\n"
        "Performer: mary\n"
        "Status: Completed\n"
        "\n"
        "New comment: Well, I got faith in you, Peter.\n"
        "Author: mary\n"
        f"Posting date: {comment.post_date.astimezone(UTC):%Y-%m-%d %H:%M}"
    )


def test_comment_posting_date_is_utc(peter, settings, django_capture_on_commit_callbacks):
    settings.TIME_ZONE = "Europe/Moscow"
    task = make_task(creator=peter)
    comment = Comment.objects.create(task=task, author=peter, description="late")
    Comment.objects.filter(pk=comment.pk).update(
        post_date=datetime(2026, 11, 21, 23, 53, tzinfo=UTC)
    )
    comment.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        comment_notify(comment=comment)

    assert mail.outbox[0].body.endswith("Posting date: 2026-11-21 23:53")


def test_one_message_when_creator_and_performer_share_an_address(client):
    creator = make_user(username="twin", email="Twin@Example.com")
    make_user(username="twin2", email="twin@example.org")

    send(
        client,
        "post",
        "/api/tasks/",
        {"name": "self", "specification": "y", "performer": creator.pk},
        creator,
    )

    assert [m.to for m in mail.outbox] == [["Twin@Example.com"]]


def test_missing_users_print_none_and_are_skipped(django_capture_on_commit_callbacks):
    nameless = make_user(username=None, email="nameless@example.com")
    task = make_task(creator=None, performer=nameless, status="w")

    with django_capture_on_commit_callbacks(execute=True):
        task_notify(task=task, created=False)

    [message] = mail.outbox
    assert message.to == ["nameless@example.com"]
    assert "Creator: None\nPerformer: None\nStatus: In work" in message.body


def test_no_email_when_nobody_is_left(staff, django_capture_on_commit_callbacks):
    task = make_task(creator=None, performer=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert task_notify(task=task, created=False) is None

    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_staff_comment_on_an_orphan_task_sends_nothing(client, staff):
    task = make_task(creator=None, performer=None)

    response = send(
        client, "post", f"/api/tasks/{task.pk}/add_comment/", {"description": "x"}, staff
    )

    assert response.status_code == 201
    assert OutboxEmail.objects.count() == 0


def test_failed_smtp_is_retried_later(client, peter, settings):
    settings.EMAIL_BACKEND = "tests.core.backends.DisconnectedBackend"

    response = send(client, "post", "/api/tasks/", {"name": "x", "specification": "y"}, peter)

    assert response.status_code == 201
    email = OutboxEmail.objects.get()
    assert email.status == OutboxEmail.Status.QUEUED
    assert email.attempts == 1
    assert email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=290) < wait <= timedelta(seconds=300)
    assert Task.objects.filter(name="x").exists()


def test_comment_by_a_missing_author_prints_none(peter, django_capture_on_commit_callbacks):
    task = make_task(creator=peter, performer=None, due_date=None)
    comment = Comment.objects.create(task=task, author=None, description="anonymous")

    with django_capture_on_commit_callbacks(execute=True):
        comment_notify(comment=comment)

    [message] = mail.outbox
    assert message.to == ["peter@example.com"]
    assert "Due date: None\nCreator: peter\nPerformer: None\nStatus: New\n\n" in message.body
    assert "New comment: anonymous\nAuthor: None\nPosting date: " in message.body
