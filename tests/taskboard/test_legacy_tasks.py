"""/api/taskcreation/, /api/taskupdate/ and /api/addcomment/: the legacy bodies and rules."""

from datetime import timedelta

import pytest
from django.core import mail

from core.models import OutboxEmail
from modules.taskboard.models import Comment, Task
from tests.taskboard.conftest import days, make_task, send, snapshot, today

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."
NAME_TAKEN = "a task with the same name already exists, try a another name"
PAST = {"non_field_errors": ["due date cannot be earlier than today's date"]}
CANNOT_EDIT = {"detail": "Failure! You don't have permission to edit this task."}


def creation(**changes):
    body = {
        "name": "NY is in danger!",
        "specification": "Venom is planning something terrible.",
        "due_date": days(30),
        "performer": "mary",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


# --- /api/taskcreation/


def test_create_answers_the_legacy_body_and_stores_the_task(client, peter, mary):
    response = send(client, "post", "/api/taskcreation/", creation(), peter)

    task = Task.objects.get()
    assert response.status_code == 201
    assert response.json() == {"task 'NY is in danger!' created successfully. Task id": task.pk}
    assert (task.creator, task.performer, task.status) == (peter, mary, "n")
    assert task.due_date == today() + timedelta(days=30)
    assert (task.delegated, task.delegated_by) == (False, None)
    assert [m.subject for m in mail.outbox] == ["A new task has been created"]


def test_create_accepts_form_and_multipart_bodies(client, peter, mary):
    from tests.conftest import bearer

    form = client.post(
        "/api/taskcreation/",
        "name=Form+task&specification=x&due_date=" + days(1) + "&performer=mary",
        content_type="application/x-www-form-urlencoded",
        **bearer(peter),
    )
    multipart = client.post(
        "/api/taskcreation/",
        {"name": "Multipart task", "specification": "x", "due_date": days(1), "performer": "mary"},
        **bearer(peter),
    )

    assert (form.status_code, multipart.status_code) == (201, 201)
    assert set(Task.objects.values_list("name", flat=True)) == {"Form task", "Multipart task"}


def test_create_requires_every_field(client, peter):
    before = snapshot()

    response = send(client, "post", "/api/taskcreation/", {}, peter)

    assert response.status_code == 400
    assert response.json() == {
        "name": [REQUIRED],
        "specification": [REQUIRED],
        "due_date": [REQUIRED],
        "performer": [REQUIRED],
    }
    assert snapshot() == before


def test_create_reports_every_field_error_together(client, peter, mary):
    make_task(name="NY is in danger!")
    before = snapshot()

    response = send(
        client,
        "post",
        "/api/taskcreation/",
        creation(specification="", due_date="20.12.2026", performer="nobody"),
        peter,
    )

    assert response.status_code == 400
    assert response.json() == {
        "name": [NAME_TAKEN],
        "specification": ["This field may not be blank."],
        "due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "performer": ["there is no user with that username"],
    }
    assert snapshot() == before


def test_create_refuses_nulls_and_wrong_types(client, peter):
    before = snapshot()

    response = send(
        client,
        "post",
        "/api/taskcreation/",
        {"name": None, "specification": ["x"], "due_date": None, "performer": True},
        peter,
    )

    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field may not be null."],
        "specification": ["Not a valid string."],
        "due_date": ["This field may not be null."],
        "performer": ["Not a valid string."],
    }
    assert snapshot() == before


def test_create_refuses_a_too_long_name(client, peter, mary):
    response = send(client, "post", "/api/taskcreation/", creation(name="x" * 201), peter)

    assert response.status_code == 400
    assert response.json() == {"name": ["Ensure this field has no more than 200 characters."]}
    assert not Task.objects.exists()


def test_create_accepts_exactly_200_characters(client, peter, mary):
    response = send(client, "post", "/api/taskcreation/", creation(name="x" * 200), peter)

    assert response.status_code == 201


def test_create_refuses_a_past_due_date(client, peter, mary):
    before = snapshot()

    response = send(client, "post", "/api/taskcreation/", creation(due_date=days(-1)), peter)

    assert response.status_code == 400
    assert response.json() == PAST
    assert snapshot() == before


def test_create_accepts_today(client, peter, mary):
    response = send(client, "post", "/api/taskcreation/", creation(due_date=days(0)), peter)

    assert response.status_code == 201


def test_due_date_rule_waits_for_valid_fields(client, peter):
    response = send(
        client, "post", "/api/taskcreation/", creation(due_date=days(-5), performer="ghost"), peter
    )

    assert response.status_code == 400
    assert response.json() == {"performer": ["there is no user with that username"]}


def test_create_name_is_case_sensitive_and_trimmed(client, peter, mary):
    make_task(name="NY is in danger!")

    response = send(
        client, "post", "/api/taskcreation/", creation(name="  ny is in danger!  "), peter
    )

    assert response.status_code == 201
    assert Task.objects.filter(name="ny is in danger!").exists()


def test_create_performer_username_is_exact(client, peter, mary):
    before = snapshot()

    response = send(client, "post", "/api/taskcreation/", creation(performer="Mary"), peter)

    assert response.status_code == 400
    assert response.json() == {"performer": ["there is no user with that username"]}
    assert snapshot() == before


def test_create_refuses_null_characters(client, peter, mary):
    response = send(client, "post", "/api/taskcreation/", creation(name="bad\x00name"), peter)

    assert response.status_code == 400
    assert response.json() == {"name": ["Null characters are not allowed."]}
    assert not Task.objects.exists()


def test_create_needs_a_token(client, mary):
    response = send(client, "post", "/api/taskcreation/", creation())

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not Task.objects.exists()


def test_legacy_token_scheme_is_refused(client, peter, mary):
    response = client.post(
        "/api/taskcreation/",
        creation(),
        content_type="application/json",
        HTTP_AUTHORIZATION="Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
    )

    assert response.status_code == 401
    assert not Task.objects.exists()


def test_create_malformed_json(client, peter):
    from tests.conftest import bearer

    response = client.post(
        "/api/taskcreation/", '{"name": ', content_type="application/json", **bearer(peter)
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert not Task.objects.exists()


# --- /api/taskupdate/


def update_body(task, **changes):
    body = {
        "task_id": task.pk,
        "name": "NY is in danger! Again...",
        "specification": "Venom again.",
        "due_date": days(24),
        "performer": task.performer.username if task.performer else "peter",
        "status": "w",
    }
    body.update(changes)
    return body


def test_update_overwrites_every_field(client, peter, mary, eve):
    task = make_task(creator=peter, performer=mary, name="NY is in danger!")

    response = send(client, "put", "/api/taskupdate/", update_body(task, performer="eve"), peter)

    assert response.status_code == 200
    assert response.json() == {"Success": "task 'NY is in danger! Again...' has been updated"}
    task.refresh_from_db()
    assert task.name == "NY is in danger! Again..."
    assert task.specification == "Venom again."
    assert task.due_date == today() + timedelta(days=24)
    assert (task.performer, task.status, task.delegated) == (eve, "w", False)
    assert [m.subject for m in mail.outbox] == ["The task has been changed"]


def test_update_by_the_performer_delegates(client, peter, mary, eve):
    task = make_task(creator=peter, performer=mary)

    response = send(client, "put", "/api/taskupdate/", update_body(task, performer="eve"), mary)

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.performer, task.delegated, task.delegated_by) == (eve, True, mary)
    # mary handed the task on and no longer sees it.
    assert send(client, "get", f"/api/tasks/{task.pk}/", user=mary).status_code == 404
    assert send(client, "get", f"/api/tasks/{task.pk}/", user=eve).status_code == 200


def test_update_by_the_creator_after_delegation_clears_the_flag(client, peter, mary, eve):
    task = make_task(creator=peter, performer=eve, delegated=True, delegated_by=mary)

    response = send(client, "put", "/api/taskupdate/", update_body(task, performer="mary"), peter)

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.performer, task.delegated, task.delegated_by) == (mary, False, None)


def test_update_keeping_the_performer_keeps_the_delegation(client, peter, mary, eve):
    task = make_task(creator=peter, performer=eve, delegated=True, delegated_by=mary)

    response = send(client, "put", "/api/taskupdate/", update_body(task), eve)

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.performer, task.delegated, task.delegated_by) == (eve, True, mary)


def test_update_may_keep_its_own_name(client, peter, mary):
    task = make_task(creator=peter, performer=mary, name="Same")

    response = send(client, "put", "/api/taskupdate/", update_body(task, name="Same"), peter)

    assert response.status_code == 200


def test_update_onto_another_name_is_a_400(client, peter, mary):
    make_task(name="Taken")
    task = make_task(creator=peter, performer=mary)
    before = snapshot()

    response = send(client, "put", "/api/taskupdate/", update_body(task, name="Taken"), peter)

    assert response.status_code == 400
    assert response.json() == {"name": [NAME_TAKEN]}
    assert snapshot() == before


@pytest.mark.parametrize("who", ["eve", "nobody"])
def test_update_of_an_invisible_or_unknown_task(client, peter, mary, eve, who):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()
    body = update_body(task) if who == "eve" else update_body(task, task_id=99999)

    response = send(client, "put", "/api/taskupdate/", body, eve)

    assert response.status_code == 400
    assert response.json() == {"task_id": ["Task not found"]}
    assert snapshot() == before


def test_update_field_errors_come_together(client, peter, mary):
    make_task(creator=peter, performer=mary)
    before = snapshot()

    response = send(
        client,
        "put",
        "/api/taskupdate/",
        {"task_id": "abc", "name": "", "due_date": "tomorrow", "performer": "ghost", "status": "x"},
        peter,
    )

    assert response.status_code == 400
    assert response.json() == {
        "task_id": ["A valid integer is required."],
        "name": ["This field may not be blank."],
        "specification": [REQUIRED],
        "due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "performer": ["there is no user with that username"],
        "status": ['"x" is not a valid choice.'],
    }
    assert snapshot() == before


def test_update_with_a_huge_task_id_is_not_found(client, peter):
    response = send(
        client, "put", "/api/taskupdate/", update_body(make_task(), task_id=10**30), peter
    )

    assert response.status_code == 400
    assert response.json() == {"task_id": ["Task not found"]}


def test_update_to_a_past_due_date(client, peter, mary):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()

    response = send(client, "put", "/api/taskupdate/", update_body(task, due_date=days(-1)), peter)

    assert response.status_code == 400
    assert response.json() == PAST
    assert snapshot() == before


def test_update_keeping_a_past_due_date_is_accepted(client, peter, mary):
    task = make_task(creator=peter, performer=mary, due_date=today() - timedelta(days=3))

    response = send(client, "put", "/api/taskupdate/", update_body(task, due_date=days(-3)), peter)

    assert response.status_code == 200


def test_update_by_staff_who_is_neither_party_is_forbidden(client, peter, mary, staff):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()

    response = send(client, "put", "/api/taskupdate/", update_body(task), staff)

    assert response.status_code == 403
    assert response.json() == CANNOT_EDIT
    assert snapshot() == before


def test_update_due_date_error_comes_before_the_permission_error(client, peter, mary, staff):
    task = make_task(creator=peter, performer=mary)

    response = send(client, "put", "/api/taskupdate/", update_body(task, due_date=days(-1)), staff)

    assert response.status_code == 400
    assert response.json() == PAST


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_update_other_methods_are_405(client, peter, method):
    response = send(client, method, "/api/taskupdate/", {}, peter)

    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


# --- /api/addcomment/


def test_add_comment_by_name(client, peter, mary):
    task = make_task(creator=peter, performer=mary, name="NY is in danger! Again...")

    response = send(
        client,
        "post",
        "/api/addcomment/",
        {"task_name": "NY is in danger! Again...", "description": "Well, I got faith in you."},
        mary,
    )

    assert response.status_code == 201
    assert response.json() == {"success": "Comment on the task was published successfully"}
    comment = Comment.objects.get()
    assert (comment.task, comment.author, comment.description) == (
        task,
        mary,
        "Well, I got faith in you.",
    )
    assert [m.subject for m in mail.outbox] == ["A new comment has been added to the task"]


def test_add_comment_on_an_invisible_task_is_no_task(client, peter, mary, eve):
    make_task(creator=peter, performer=mary, name="Secret")
    before = snapshot()

    response = send(
        client, "post", "/api/addcomment/", {"task_name": "Secret", "description": "hi"}, eve
    )

    assert response.status_code == 400
    assert response.json() == {"task_name": ["there is no task with that name"]}
    assert snapshot() == before


def test_add_comment_task_name_is_exact(client, peter, mary):
    make_task(creator=peter, performer=mary, name="Secret")
    before = snapshot()

    response = send(
        client, "post", "/api/addcomment/", {"task_name": "secret", "description": "hi"}, peter
    )

    assert response.status_code == 400
    assert response.json() == {"task_name": ["there is no task with that name"]}
    assert snapshot() == before


def test_add_comment_field_errors(client, peter):
    before = snapshot()

    response = send(
        client, "post", "/api/addcomment/", {"task_name": "", "description": " "}, peter
    )

    assert response.status_code == 400
    assert response.json() == {
        "task_name": ["This field may not be blank."],
        "description": ["This field may not be blank."],
    }
    assert snapshot() == before
    assert OutboxEmail.objects.count() == 0


def test_add_comment_staff_may_comment_on_any_task(client, peter, mary, staff):
    make_task(creator=peter, performer=mary, name="Visible to staff")

    response = send(
        client,
        "post",
        "/api/addcomment/",
        {"task_name": "Visible to staff", "description": "checked"},
        staff,
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "kind"), [("[1, 2]", "list"), ('"task"', "str"), ("5", "int"), ("true", "bool")]
)
def test_a_body_that_is_not_an_object_is_refused(client, peter, body, kind):
    from tests.conftest import bearer

    before = snapshot()

    response = client.post(
        "/api/taskcreation/", body, content_type="application/json", **bearer(peter)
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]
    }
    assert snapshot() == before


def test_an_empty_body_names_every_required_field(client, peter):
    from tests.conftest import bearer

    response = client.put("/api/taskupdate/", "", content_type="application/json", **bearer(peter))

    assert response.status_code == 400
    assert response.json() == {
        field: [REQUIRED]
        for field in ("task_id", "name", "specification", "due_date", "performer", "status")
    }


def test_update_accepts_a_form_body(client, peter, mary):
    from tests.conftest import bearer

    task = make_task(creator=peter, performer=mary)
    form = f"task_id={task.pk}&name=Form&specification=s&due_date={days(2)}&performer=mary&status=c"

    response = client.put(
        "/api/taskupdate/", form, content_type="application/x-www-form-urlencoded", **bearer(peter)
    )

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.name, task.status) == ("Form", "c")
