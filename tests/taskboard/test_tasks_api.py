"""/api/tasks/: visibility, ordering, search, pagination, detail, writes, delete and comments."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from modules.taskboard.models import Comment, Task
from modules.taskboard.selectors import search_terms
from tests.conftest import bearer
from tests.taskboard.conftest import days, make_task, send, snapshot, today

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}
CANNOT_EDIT = {"detail": "Failure! You don't have permission to edit this task."}
CANNOT_CLEAR = {"Failure": "You cannot change the task performer"}
PAST = {"non_field_errors": ["due date cannot be earlier than today's date"]}


def user_json(user):
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def names(response):
    return [task["name"] for task in response.json()["results"]]


# --- root


@pytest.mark.parametrize("path", ["/api/", "/api"])
def test_api_root_is_public(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.json() == {"tasks": "http://testserver/api/tasks/"}


def test_docs_still_work(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/" in schema["paths"]
    assert "/api/tasks/{task_id}/" in schema["paths"]


def test_every_body_is_documented_as_json_and_as_forms(client):
    # TaskTable clients post forms as well as JSON; generated clients must see both.
    schema = client.get("/api/openapi.json").json()
    bodies = {
        (method.upper(), path): set(operation["requestBody"]["content"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "taskboard" in operation.get("tags", []) and "requestBody" in operation
    }
    assert len(bodies) == 11
    for operation, media in bodies.items():
        if operation == ("POST", "/api/upload/"):
            assert media == {"multipart/form-data"}
        else:
            assert media == {
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            }, operation


# --- list


def test_list_shape(client, peter, mary):
    task = make_task(creator=peter, performer=mary, name="NY is in danger!", status="w")

    response = send(client, "get", "/api/tasks/", user=peter)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "url": f"http://testserver/api/tasks/{task.pk}/",
                "id": task.pk,
                "name": "NY is in danger!",
                "specification": "Do it.",
                "due_date": task.due_date.isoformat(),
                "creator": user_json(peter),
                "performer": user_json(mary),
                "status": "w",
                "delegated": False,
                "delegated_by": None,
            }
        ],
    }


def test_list_shows_only_own_tasks_and_staff_sees_all(client, peter, mary, eve, staff):
    make_task(creator=peter, performer=mary, name="peter for mary")
    make_task(creator=mary, performer=eve, name="mary for eve")
    make_task(creator=eve, performer=eve, name="eve alone")
    make_task(creator=None, performer=None, name="orphan")

    def visible(user):
        return sorted(names(send(client, "get", "/api/tasks/", user=user)))

    assert visible(peter) == ["peter for mary"]
    assert visible(mary) == ["mary for eve", "peter for mary"]
    assert visible(eve) == ["eve alone", "mary for eve"]
    assert visible(staff) == ["eve alone", "mary for eve", "orphan", "peter for mary"]


def test_list_needs_a_token(client):
    response = client.get("/api/tasks/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_list_order_latest_due_date_first_nulls_last_then_newest(client, staff):
    first_null = make_task(name="null 1", due_date=None)
    make_task(name="near", due_date=today())
    second_null = make_task(name="null 2", due_date=None)
    make_task(name="far", due_date=today() + timedelta(days=9))
    make_task(name="far newer", due_date=today() + timedelta(days=9))

    response = send(client, "get", "/api/tasks/", user=staff)

    assert names(response) == ["far newer", "far", "near", "null 2", "null 1"]
    assert second_null.pk > first_null.pk


def test_list_pages_walk_the_whole_order_with_search(client, peter, mary, eve):
    """Pages are cut from the ids in list order, then joined: walking every offset (twice, so
    the kept SQL runs too) gives each visible match once, in order."""
    dues = [None, 0, 3, 3, None, 7, 0, 3]
    for number, day in enumerate(dues * 3):
        make_task(
            name=f"walk {number}",
            creator=peter if number % 3 else mary,
            performer=peter if number % 5 == 0 else mary,
            due_date=None if day is None else today() + timedelta(days=day),
        )
    make_task(name="walk hidden", creator=eve, performer=eve)
    expected = [
        t.name
        for t in Task.objects.filter(
            Q(creator=peter) | Q(performer=peter), name__contains="walk"
        ).order_by(F("due_date").desc(nulls_last=True), "-id")
    ]
    assert 10 < len(expected) < 24
    for _ in range(2):
        seen = []
        for offset in range(0, 30, 4):
            response = send(
                client,
                "get",
                "/api/tasks/",
                {"search": "walk", "limit": 4, "offset": offset},
                peter,
            )
            assert response.json()["count"] == len(expected)
            seen += names(response)
        assert seen == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("mary", ["T2 for Mary", "T1 for Mary"]),
        ("MARY", ["T2 for Mary", "T1 for Mary"]),
        ("T1 eve", ["T1 eve's"]),
        ("t1,eve", ["T1 eve's"]),
        (" t1 , , eve ", ["T1 eve's"]),
        ("for", ["T2 for Mary", "T1 for Mary"]),
        ("nothing", []),
        ("", ["T1 eve's", "T2 for Mary", "T1 for Mary"]),
        ("100%", []),
        ("a\x00b", []),
        # Only the performer's username counts: not the creator's, not the specification.
        ("peter", []),
        ("do it", []),
        # LIKE wildcards are literal characters.
        ("_", []),
    ],
)
def test_search_every_term_in_name_or_performer_username(client, peter, search, expected):
    from tests.conftest import make_user

    capital_mary = make_user(username="Mary", email="capital@example.com")
    eve = make_user(username="eve", email="eve2@example.com")
    make_task(creator=peter, performer=capital_mary, name="T1 for Mary")
    make_task(creator=peter, performer=capital_mary, name="T2 for Mary")
    make_task(creator=peter, performer=eve, name="T1 eve's")

    response = send(client, "get", "/api/tasks/", {"search": search}, user=peter)

    assert response.status_code == 200
    assert names(response) == expected


def test_search_terms_longer_than_any_name_match_nothing(client, peter):
    """SQLite refused a LIKE pattern of 50,000 bytes: a 500. No name is over 200 characters."""
    make_task(creator=peter, name="n" * 200)

    exact = send(client, "get", "/api/tasks/", {"search": "N" * 200}, user=peter)
    longer = send(client, "get", "/api/tasks/", {"search": "n" * 201}, user=peter)
    huge = send(client, "get", "/api/tasks/", {"search": f"n {'x' * 60_000}"}, user=peter)

    assert (exact.status_code, names(exact)) == (200, ["n" * 200])
    assert (longer.status_code, longer.json()["count"]) == (200, 0)
    assert (huge.status_code, huge.json()["count"]) == (200, 0)


def test_pagination_links_keep_the_other_parameters(client, peter):
    for number in range(25):
        make_task(creator=peter, name=f"ny {number:02}", due_date=None)

    first = send(client, "get", "/api/tasks/", {"search": "ny"}, user=peter).json()
    last = send(
        client, "get", "/api/tasks/", {"search": "ny", "limit": 10, "offset": 20}, user=peter
    ).json()
    middle = send(
        client, "get", "/api/tasks/", {"search": "ny", "limit": 10, "offset": 10}, user=peter
    ).json()

    assert first["count"] == 25
    assert len(first["results"]) == 10
    assert first["next"] == "http://testserver/api/tasks/?limit=10&offset=10&search=ny"
    assert first["previous"] is None
    assert middle["previous"] == "http://testserver/api/tasks/?limit=10&search=ny"
    assert middle["next"] == "http://testserver/api/tasks/?limit=10&offset=20&search=ny"
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/tasks/?limit=10&offset=10&search=ny"
    assert [t["name"] for t in last["results"]] == [f"ny {n:02}" for n in range(4, -1, -1)]


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"limit": 1000}, 100),
        ({"limit": 0}, 10),
        ({"limit": -3}, 10),
        ({"limit": "abc"}, 10),
        ({"limit": 7}, 7),
        ({"offset": "x"}, 10),
        ({"offset": 1000}, 0),
        ({"offset": -5}, 10),
    ],
)
def test_limit_and_offset_fall_back_to_safe_values(client, peter, params, size):
    for number in range(105):
        make_task(creator=peter, name=f"task {number}", due_date=None)

    response = send(client, "get", "/api/tasks/", params, user=peter)

    assert response.status_code == 200
    assert response.json()["count"] == 105
    assert len(response.json()["results"]) == size


def test_list_runs_a_fixed_number_of_queries(client, peter, mary, eve, django_assert_num_queries):
    headers = bearer(peter)
    for number in range(3):
        make_task(
            creator=peter,
            performer=mary,
            delegated=True,
            delegated_by=eve,
            name=f"small task {number}",
        )

    # 1 user behind the token, 1 count, 1 page (users joined).
    with django_assert_num_queries(3):
        client.get("/api/tasks/", {"limit": 100}, **headers)

    for number in range(40):
        make_task(
            creator=peter,
            performer=eve,
            delegated=True,
            delegated_by=mary,
            name=f"big task {number}",
        )
    with django_assert_num_queries(3):
        response = client.get("/api/tasks/", {"limit": 100, "search": "task"}, **headers)
    assert len(response.json()["results"]) == 43


# --- detail


def test_detail_shape_with_comments_newest_first(client, peter, mary):
    task = make_task(creator=peter, performer=mary, name="NY", delegated=True, delegated_by=mary)
    older = Comment.objects.create(task=task, author=mary, description="first")
    newer = Comment.objects.create(task=task, author=None, description="second")
    Comment.objects.filter(pk=older.pk).update(post_date=datetime(2026, 11, 21, 23, 53, tzinfo=UTC))
    Comment.objects.filter(pk=newer.pk).update(post_date=datetime(2026, 11, 22, 8, 5, tzinfo=UTC))

    response = send(client, "get", f"/api/tasks/{task.pk}/", user=mary)

    assert response.status_code == 200
    assert response.json() == {
        "id": task.pk,
        "name": "NY",
        "specification": "Do it.",
        "due_date": task.due_date.isoformat(),
        "creator": user_json(peter),
        "performer": user_json(mary),
        "status": "n",
        "delegated": True,
        "delegated_by": user_json(mary),
        "task_comments": [
            {"description": "second", "author": None, "post_date": "22.11.2026 08:05"},
            {"description": "first", "author": user_json(mary), "post_date": "21.11.2026 23:53"},
        ],
    }


def test_detail_comments_at_the_same_time_newest_id_first(client, peter):
    task = make_task(creator=peter)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    for text in ("a", "b", "c"):
        Comment.objects.create(task=task, author=peter, description=text)
    Comment.objects.update(post_date=moment)

    response = send(client, "get", f"/api/tasks/{task.pk}/", user=peter)

    assert [c["description"] for c in response.json()["task_comments"]] == ["c", "b", "a"]


def test_detail_runs_a_fixed_number_of_queries(client, peter, mary, eve, django_assert_num_queries):
    headers = bearer(peter)
    task = make_task(creator=peter, performer=mary, delegated=True, delegated_by=eve)
    for number in range(30):
        Comment.objects.create(task=task, author=(mary, eve)[number % 2], description=str(number))

    # 1 user behind the token, 1 task (users joined), 1 comments (authors joined).
    with django_assert_num_queries(3):
        response = client.get(f"/api/tasks/{task.pk}/", **headers)
    assert len(response.json()["task_comments"]) == 30


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/tasks/{pk}/", {"specification": "changed"}),
        ("put", "/api/tasks/{pk}/", {"name": "Renamed", "specification": "changed"}),
        ("post", "/api/tasks/{pk}/add_comment/", {"description": "noted"}),
        ("post", "/api/addcomment/", {"task_name": "Watched", "description": "noted"}),
    ],
)
def test_writes_read_the_task_with_its_users_in_one_query(client, peter, mary, method, path, body):
    headers = bearer(peter)
    task = make_task(creator=peter, performer=mary, name="Watched")
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(
            path.format(pk=task.pk), json.dumps(body), content_type="application/json", **headers
        )
    assert response.status_code in (200, 201), response.json()
    user_reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "core_user"' in q["sql"]
    ]
    assert len(user_reads) == 1  # the token's user; creator and performer come with the task
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("path", ["/api/tasks/{pk}/", "/api/tasks/{pk}"])
def test_detail_invisible_task_is_404(client, peter, mary, eve, path):
    task = make_task(creator=peter, performer=mary)

    response = send(client, "get", path.format(pk=task.pk), user=eve)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("task_id", ["abc", "1.5", "-1", "99999999999999999999999", "0"])
def test_detail_bad_ids_are_404(client, peter, task_id):
    response = send(client, "get", f"/api/tasks/{task_id}/", user=peter)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# --- create


def test_create_answers_the_flat_shape_and_location(client, peter, mary):
    response = send(
        client,
        "post",
        "/api/tasks/",
        {
            "name": "NY",
            "specification": "Venom",
            "due_date": days(3),
            "performer": mary.pk,
            "status": "w",
            "creator": mary.pk,
            "delegated": True,
            "delegated_by": mary.pk,
            "id": 999,
            "url": "http://evil/",
        },
        peter,
    )

    task = Task.objects.get()
    url = f"http://testserver/api/tasks/{task.pk}/"
    assert response.status_code == 201
    assert response.headers["Location"] == url
    assert response.json() == {
        "url": url,
        "id": task.pk,
        "name": "NY",
        "specification": "Venom",
        "due_date": days(3),
        "creator": peter.pk,
        "performer": mary.pk,
        "status": "w",
        "delegated": False,
        "delegated_by": None,
    }
    assert [m.subject for m in mail.outbox] == ["A new task has been created"]


def test_create_with_only_the_required_fields(client, peter):
    response = send(client, "post", "/api/tasks/", {"name": "Bare", "specification": "x"}, peter)

    assert response.status_code == 201
    body = response.json()
    assert (body["due_date"], body["performer"], body["status"]) == (None, None, "n")
    assert [m.to for m in mail.outbox] == [["peter@example.com"]]


def test_create_form_body_with_empty_optional_fields(client, peter):
    response = client.post(
        "/api/tasks/",
        {"name": "Form", "specification": "x", "due_date": "", "performer": ""},
        **bearer(peter),
    )

    assert response.status_code == 201
    assert (response.json()["due_date"], response.json()["performer"]) == (None, None)


def test_create_field_errors_come_together(client, peter, mary):
    make_task(name="Taken")
    before = snapshot()

    response = send(
        client,
        "post",
        "/api/tasks/",
        {"name": "Taken", "due_date": "2026/12/20", "performer": 99999, "status": "done"},
        peter,
    )

    assert response.status_code == 400
    assert response.json() == {
        "name": ["task with this name already exists."],
        "specification": ["This field is required."],
        "due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "performer": ['Invalid pk "99999" - object does not exist.'],
        "status": ['"done" is not a valid choice.'],
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("performer", "message"),
    [
        ("mary", "Incorrect type. Expected pk value, received str."),
        (True, "Incorrect type. Expected pk value, received bool."),
        (10**30, f'Invalid pk "{10**30}" - object does not exist.'),
        # str.isdigit() says yes to these, int() says no: they used to be a 500.
        pytest.param("²", "Incorrect type. Expected pk value, received str.", id="superscript"),
        pytest.param("①", "Incorrect type. Expected pk value, received str.", id="circled"),
        # More digits than int() reads: DRF's lookup raised ValueError, a wrong type to it.
        pytest.param(
            "9" * 5000, "Incorrect type. Expected pk value, received str.", id="5000-digits"
        ),
        pytest.param("-1", 'Invalid pk "-1" - object does not exist.', id="negative"),
    ],
)
def test_create_performer_must_be_a_user_id(client, peter, mary, performer, message):
    body = {"name": "x", "specification": "y", "performer": performer}

    response = send(client, "post", "/api/tasks/", body, peter)

    assert response.status_code == 400
    assert response.json() == {"performer": [message]}
    assert not Task.objects.exists()


def test_create_null_status_and_long_name(client, peter):
    response = send(
        client,
        "post",
        "/api/tasks/",
        {"name": "n" * 201, "specification": "y", "status": None},
        peter,
    )

    assert response.status_code == 400
    assert response.json() == {
        "name": ["Ensure this field has no more than 200 characters."],
        "status": ["This field may not be null."],
    }


def test_create_past_due_date(client, peter):
    before = snapshot()

    response = send(
        client,
        "post",
        "/api/tasks/",
        {"name": "x", "specification": "y", "due_date": days(-1)},
        peter,
    )

    assert response.status_code == 400
    assert response.json() == PAST
    assert snapshot() == before


def test_create_null_due_date_is_allowed(client, peter):
    body = {"name": "x", "specification": "y", "due_date": None, "performer": None}

    response = send(client, "post", "/api/tasks/", body, peter)

    assert response.status_code == 201
    assert (response.json()["due_date"], response.json()["performer"]) == (None, None)
    task = Task.objects.get()
    assert (task.due_date, task.performer, task.creator) == (None, None, peter)


def test_create_lost_race_on_the_name_is_the_same_400(client, peter, monkeypatch):
    """The name check passes for both racers; the unique index stops the second."""
    from core.body import Text
    from modules.taskboard import bodies

    make_task(name="Race")

    def unchecked(fields, **kwargs):
        return fields.get("name", Text(required=kwargs.get("required", True), max_length=200))

    monkeypatch.setattr(bodies, "_free_name", unchecked)
    before = snapshot()

    response = send(client, "post", "/api/tasks/", {"name": "Race", "specification": "y"}, peter)
    legacy = send(
        client,
        "post",
        "/api/taskcreation/",
        {"name": "Race", "specification": "y", "due_date": days(1), "performer": "peter"},
        peter,
    )

    assert (response.status_code, legacy.status_code) == (400, 400)
    assert response.json() == {"name": ["task with this name already exists."]}
    assert legacy.json() == {
        "name": ["a task with the same name already exists, try a another name"]
    }
    assert snapshot() == before


# --- update


def test_put_requires_name_and_specification(client, peter):
    task = make_task(creator=peter)
    before = snapshot()

    response = send(client, "put", f"/api/tasks/{task.pk}/", {}, peter)

    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "specification": ["This field is required."],
    }
    assert snapshot() == before


def test_put_keeps_omitted_optional_fields(client, peter, mary):
    task = make_task(creator=peter, performer=mary, status="w")

    response = send(
        client, "put", f"/api/tasks/{task.pk}/", {"name": "New", "specification": "Spec"}, peter
    )

    assert response.status_code == 200
    assert response.json() == {
        "url": f"http://testserver/api/tasks/{task.pk}/",
        "id": task.pk,
        "name": "New",
        "specification": "Spec",
        "due_date": task.due_date.isoformat(),
        "creator": peter.pk,
        "performer": mary.pk,
        "status": "w",
        "delegated": False,
        "delegated_by": None,
    }
    assert [m.subject for m in mail.outbox] == ["The task has been changed"]


def test_patch_changes_only_what_is_sent(client, peter, mary):
    task = make_task(creator=peter, performer=mary, name="Keep")

    response = send(client, "patch", f"/api/tasks/{task.pk}/", {"status": "c"}, mary)

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.name, task.status, task.performer) == ("Keep", "c", mary)
    assert len(mail.outbox) == 1


def test_patch_may_keep_its_own_name(client, peter):
    task = make_task(creator=peter, name="Mine")

    response = send(client, "patch", f"/api/tasks/{task.pk}/", {"name": "Mine"}, peter)

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch"])
def test_performer_delegates_through_put_and_patch(client, peter, mary, eve, method):
    task = make_task(creator=peter, performer=mary)
    body = {"performer": eve.pk}
    if method == "put":
        body.update(name=task.name, specification=task.specification)

    response = send(client, method, f"/api/tasks/{task.pk}/", body, mary)

    assert response.status_code == 200
    body = response.json()
    assert (body["performer"], body["delegated"], body["delegated_by"]) == (eve.pk, True, mary.pk)
    task.refresh_from_db()
    assert (task.creator, task.performer, task.delegated, task.delegated_by) == (
        peter,
        eve,
        True,
        mary,
    )
    assert send(client, "get", "/api/tasks/", user=mary).json()["count"] == 0


@pytest.mark.parametrize("method", ["put", "patch"])
def test_performer_cannot_clear_the_performer(client, peter, mary, method):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()
    body = {"performer": None}
    if method == "put":
        body.update(name=task.name, specification=task.specification)

    response = send(client, method, f"/api/tasks/{task.pk}/", body, mary)

    assert response.status_code == 403
    assert response.json() == CANNOT_CLEAR
    assert snapshot() == before


def test_creator_may_clear_and_reassign(client, peter, mary, eve):
    task = make_task(creator=peter, performer=eve, delegated=True, delegated_by=mary)
    reassigned_task = make_task(creator=peter, performer=eve, delegated=True, delegated_by=mary)

    cleared = send(client, "patch", f"/api/tasks/{task.pk}/", {"performer": None}, peter)
    reassigned = send(
        client, "patch", f"/api/tasks/{reassigned_task.pk}/", {"performer": mary.pk}, peter
    )

    assert cleared.status_code == 200
    assert (cleared.json()["performer"], cleared.json()["delegated"]) == (None, False)
    assert cleared.json()["delegated_by"] is None
    assert reassigned.status_code == 200
    body = reassigned.json()
    assert (body["performer"], body["delegated"], body["delegated_by"]) == (mary.pk, False, None)
    reassigned_task.refresh_from_db()
    assert (reassigned_task.performer, reassigned_task.delegated) == (mary, False)


def test_update_invisible_is_404_before_anything_else(client, peter, mary, eve):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()

    response = send(client, "patch", f"/api/tasks/{task.pk}/", {"name": ""}, eve)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_staff_may_see_but_not_edit(client, peter, mary, staff, method):
    task = make_task(creator=peter, performer=mary)
    before = snapshot()

    seen = send(client, "get", f"/api/tasks/{task.pk}/", user=staff)
    response = send(client, method, f"/api/tasks/{task.pk}/", {"name": ""}, staff)

    assert (seen.status_code, seen.json()["id"]) == (200, task.pk)
    assert response.status_code == 403
    assert response.json() == CANNOT_EDIT
    assert snapshot() == before


def test_update_due_date_rule(client, peter):
    past = today() - timedelta(days=2)
    task = make_task(creator=peter, due_date=past)

    unchanged = send(
        client, "patch", f"/api/tasks/{task.pk}/", {"due_date": past.isoformat()}, peter
    )
    changed = send(client, "patch", f"/api/tasks/{task.pk}/", {"due_date": days(-1)}, peter)
    cleared = send(client, "patch", f"/api/tasks/{task.pk}/", {"due_date": None}, peter)

    assert unchanged.status_code == 200
    assert (changed.status_code, changed.json()) == (400, PAST)
    assert (cleared.status_code, cleared.json()["due_date"]) == (200, None)


def test_update_onto_another_name(client, peter):
    make_task(name="Other")
    task = make_task(creator=peter)
    before = snapshot()

    response = send(client, "patch", f"/api/tasks/{task.pk}/", {"name": "Other"}, peter)

    assert response.status_code == 400
    assert response.json() == {"name": ["task with this name already exists."]}
    assert snapshot() == before


def test_update_malformed_json(client, peter):
    task = make_task(creator=peter)
    before = snapshot()

    response = client.patch(
        f"/api/tasks/{task.pk}/", "{", content_type="application/json", **bearer(peter)
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")
    assert snapshot() == before


# --- delete


def test_delete_removes_the_task_and_its_comments_without_email(client, peter, mary):
    task = make_task(creator=peter, performer=mary)
    Comment.objects.create(task=task, author=peter, description="bye")

    response = send(client, "delete", f"/api/tasks/{task.pk}/", user=mary)

    assert response.status_code == 204
    assert response.content == b""
    assert not Task.objects.exists() and not Comment.objects.exists()
    assert mail.outbox == []


def test_delete_invisible_is_404(client, peter, eve):
    task = make_task(creator=peter)

    before = snapshot()

    response = send(client, "delete", f"/api/tasks/{task.pk}/", user=eve)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot() == before


# --- comments


def test_add_comment(client, peter, mary):
    task = make_task(creator=peter, performer=mary)

    response = send(
        client, "post", f"/api/tasks/{task.pk}/add_comment/", {"description": "hello"}, peter
    )

    assert response.status_code == 201
    assert response.json() == {"status": "comment added"}
    comment = Comment.objects.get()
    assert (comment.task, comment.author, comment.description) == (task, peter, "hello")
    assert [m.subject for m in mail.outbox] == ["A new comment has been added to the task"]


def test_add_comment_invisible_is_404(client, peter, eve):
    task = make_task(creator=peter)
    before = snapshot()

    response = send(
        client, "post", f"/api/tasks/{task.pk}/add_comment/", {"description": "hi"}, eve
    )

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "This field is required."), ({"description": "  "}, "This field may not be blank.")],
)
def test_add_comment_needs_a_description(client, peter, body, message):
    task = make_task(creator=peter)
    before = snapshot()

    response = send(client, "post", f"/api/tasks/{task.pk}/add_comment/", body, peter)

    assert response.status_code == 400
    assert response.json() == {"description": [message]}
    assert snapshot() == before


def test_comment_post_date_is_set_once(peter):
    task = make_task(creator=peter)
    comment = Comment.objects.create(task=task, author=peter, description="x")
    posted = comment.post_date

    comment.description = "edited"
    comment.save()

    comment.refresh_from_db()
    assert comment.post_date == posted


def test_patch_with_a_list_body_changes_nothing(client, peter):
    task = make_task(creator=peter)
    before = snapshot()

    response = client.patch(
        f"/api/tasks/{task.pk}/", "[]", content_type="application/json", **bearer(peter)
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert snapshot() == before


def test_a_flood_of_search_terms_is_no_500(client, peter):
    make_task(creator=peter, name="alpha")
    distinct = " ".join(f"a{number}" for number in range(2000))

    repeated = send(client, "get", "/api/tasks/", {"search": " ".join(["A"] * 5000)}, user=peter)
    many = send(client, "get", "/api/tasks/", {"search": distinct}, user=peter)

    assert (repeated.status_code, names(repeated)) == (200, ["alpha"])
    assert (many.status_code, names(many)) == (200, [])


def test_patch_accepts_form_and_multipart_bodies(client, peter, mary):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    task = make_task(creator=peter, performer=mary)

    form = client.patch(
        f"/api/tasks/{task.pk}/",
        f"status=w&performer={mary.pk}",
        content_type="application/x-www-form-urlencoded",
        **bearer(peter),
    )
    multipart = client.patch(
        f"/api/tasks/{task.pk}/",
        encode_multipart(BOUNDARY, {"name": "Multipart"}),
        content_type=MULTIPART_CONTENT,
        **bearer(peter),
    )

    assert (form.status_code, multipart.status_code) == (200, 200)
    task.refresh_from_db()
    assert (task.status, task.name) == ("w", "Multipart")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_due_date_error_comes_before_the_performer_rule(client, peter, mary, method):
    """Spec §5 order: field errors, then the due date, then the performer rule."""
    task = make_task(creator=peter, performer=mary)
    before = snapshot()
    body = {"performer": None, "due_date": days(-1)}
    if method == "put":
        body.update(name=task.name, specification=task.specification)

    past = send(client, method, f"/api/tasks/{task.pk}/", body, mary)
    invalid = send(client, method, f"/api/tasks/{task.pk}/", {**body, "status": "x"}, mary)

    assert (past.status_code, past.json()) == (400, PAST)
    assert (invalid.status_code, invalid.json()) == (
        400,
        {"status": ['"x" is not a valid choice.']},
    )
    assert snapshot() == before


def test_list_and_detail_show_missing_and_nameless_users_as_null(client, staff):
    from tests.conftest import make_user

    nameless = make_user(username=None, email="nameless@example.com")
    task = make_task(creator=None, performer=nameless, name="orphan")

    listed = send(client, "get", "/api/tasks/", user=staff).json()["results"]
    detail = send(client, "get", f"/api/tasks/{task.pk}/", user=staff).json()

    expected_user = {**user_json(nameless), "username": None}
    for body in (listed[0], detail):
        assert (body["creator"], body["performer"]) == (None, expected_user)
        assert body["delegated_by"] is None


def test_every_search_term_counts_however_many_there_are(client, peter):
    """Spec: every term must match. The 21st term used to be dropped, widening the result."""
    from tests.conftest import make_user

    name = "".join(chr(ord("a") + n % 26) + str(n % 10) for n in range(100))
    username = "".join(chr(ord("A") + n * 3 % 26) + str(n % 7) for n in range(75))
    performer = make_user(username=username, email="long@example.com")
    make_task(creator=peter, performer=performer, name=name)
    make_task(creator=peter, name="other")
    # Hundreds of terms, none inside another: every 11-character window of both texts.
    terms = [name[i : i + 11] for i in range(len(name) - 10)]
    terms += [username[i : i + 11].lower() for i in range(len(username) - 10)]
    assert len(terms) == 330

    every = send(client, "get", "/api/tasks/", {"search": " ".join(terms)}, user=peter)
    one_more = send(
        client, "get", "/api/tasks/", {"search": " ".join([*terms[:20], "zzz"])}, user=peter
    )

    assert (every.status_code, names(every)) == (200, [name])
    assert (one_more.status_code, one_more.json()["count"]) == (200, 0)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # "ß" is not "ss" to either database: both terms must be looked for.
        ("ss ß", []),
        ("SS", ["Glass"]),
        # A term inside another one changes nothing.
        ("las glass LA", ["Glass"]),
    ],
)
def test_search_terms_compare_as_the_database_does(client, peter, search, expected):
    make_task(creator=peter, name="Glass")

    response = send(client, "get", "/api/tasks/", {"search": search}, user=peter)

    assert (response.status_code, names(response)) == (200, expected)


def test_the_most_text_a_task_can_match_still_finds_it(client, peter):
    """Windows of half the name and of half the username: the most text terms none of which
    lies inside another can hold and all match one task. One more term can never match."""
    import random

    from tests.conftest import make_user

    rng = random.Random(7)
    name = "".join(rng.choice("abcdefghijklm") for _ in range(200))
    username = "".join(rng.choice("nopqrstuvwxyz") for _ in range(150))
    performer = make_user(username=username, email="long@example.com")
    make_task(creator=peter, performer=performer, name=name)
    terms = [name[i : i + 100] for i in range(101)] + [username[i : i + 75] for i in range(76)]
    assert len(set(terms)) == 177
    assert sum(map(len, terms)) == 15_800

    found = send(client, "get", "/api/tasks/", {"search": " ".join(terms)}, user=peter)
    beyond = send(client, "get", "/api/tasks/", {"search": " ".join([*terms, "5"])}, user=peter)

    assert (found.status_code, names(found)) == (200, [name])
    assert (beyond.status_code, beyond.json()["count"]) == (200, 0)
    # The last one is answered without asking the database.
    assert search_terms(" ".join([*terms, "5"])) is None
