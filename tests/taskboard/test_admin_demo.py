"""Admin pages, demo data and the OpenAPI description of the taskboard endpoints."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.models import User
from modules.taskboard.models import Comment, Task, Upload
from tests.conftest import make_user
from tests.taskboard.conftest import make_task, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/taskboard/task/",
        "/admin/taskboard/task/?q=peter&status__exact=w&delegated__exact=1",
        "/admin/taskboard/task/{task}/change/",
        "/admin/taskboard/comment/",
        "/admin/taskboard/comment/{comment}/change/",
        "/admin/taskboard/upload/",
        "/admin/taskboard/upload/{upload}/change/",
    ],
)
def test_admin_pages_render(staff_client, peter, mary, url):
    task = make_task(creator=peter, performer=mary, status="w", delegated=True)
    comment = Comment.objects.create(task=task, author=peter, description="hi")
    upload = Upload.objects.create(
        owner=peter, file="taskboard/x/y.png", content_type="image/png", size=3
    )

    response = staff_client.get(url.format(task=task.pk, comment=comment.pk, upload=upload.pk))

    assert response.status_code == 200


def test_uploads_are_read_only_in_the_admin(staff_client, peter):
    upload = Upload.objects.create(
        owner=peter, file="taskboard/x/y.png", content_type="image/png", size=3
    )

    add = staff_client.get("/admin/taskboard/upload/add/")
    change = staff_client.post(
        f"/admin/taskboard/upload/{upload.pk}/change/", {"original_name": "renamed"}
    )

    assert (add.status_code, change.status_code) == (403, 403)
    assert Upload.objects.filter(pk=upload.pk, original_name="").exists()


def stored_upload(owner):
    name = default_storage.save(f"taskboard/{owner.public_id}/x.png", ContentFile(b"png"))
    return Upload.objects.create(owner=owner, file=name, content_type="image/png", size=3)


def test_deleting_an_upload_in_the_admin_removes_its_file(staff_client, peter):
    """A row deleted without its file would leave the image in storage, reachable by no one."""
    upload = stored_upload(peter)

    response = staff_client.post(f"/admin/taskboard/upload/{upload.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert not default_storage.exists(upload.file.name)


def test_deleting_a_user_removes_their_uploaded_files(staff_client, peter):
    """The admin may delete an account that has uploads; the files go with the rows."""
    upload = stored_upload(peter)

    response = staff_client.post(f"/admin/core/user/{peter.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=peter.pk).exists()
    assert not Upload.objects.exists()
    assert not default_storage.exists(upload.file.name)


def test_a_rolled_back_delete_keeps_the_file(peter):
    upload = stored_upload(peter)
    pk, name = upload.pk, upload.file.name

    with pytest.raises(RuntimeError), transaction.atomic():
        upload.delete()
        raise RuntimeError

    assert Upload.objects.filter(pk=pk).exists()
    assert default_storage.exists(name)


def test_seed_demo_creates_peter_mary_and_their_task_once(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    peter = User.objects.get(username="peter")
    mary = User.objects.get(username="mary")
    task = Task.objects.get()
    assert (peter.email, mary.email) == ("peter@example.com", "mary@example.com")
    assert (task.name, task.creator, task.performer, task.status) == (
        "NY is in danger!",
        peter,
        mary,
        "w",
    )
    assert task.due_date == timezone.localdate() + timedelta(days=30)
    assert list(task.task_comments.values_list("author__username", flat=True)) == ["peter"]
    assert mail.outbox == []
    assert "peter / peter-pass-1" in out.getvalue()
    login = send(client, "post", "/api/login/", {"username": "mary", "password": "mary-pass-1"})
    assert login.status_code == 200


def test_seed_demo_leaves_an_existing_task_alone():
    call_command("seed_demo", stdout=StringIO())
    Task.objects.update(status="c")
    Comment.objects.all().delete()

    call_command("seed_demo", stdout=StringIO())

    assert Task.objects.get().status == "c"
    assert not Comment.objects.exists()


def test_every_taskboard_operation_is_described(client):
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "taskboard" in operation.get("tags", [])
    ]

    assert {(path, method) for path, method, _ in operations} == {
        ("/api/registration/", "post"),
        ("/api/login/", "post"),
        ("/api/logout/", "post"),
        ("/api/taskcreation/", "post"),
        ("/api/taskupdate/", "put"),
        ("/api/addcomment/", "post"),
        ("/api/", "get"),
        ("/api/tasks/", "get"),
        ("/api/tasks/", "post"),
        ("/api/tasks/{task_id}/", "get"),
        ("/api/tasks/{task_id}/", "put"),
        ("/api/tasks/{task_id}/", "patch"),
        ("/api/tasks/{task_id}/", "delete"),
        ("/api/tasks/{task_id}/add_comment/", "post"),
        ("/api/upload/", "post"),
    }
    for path, method, operation in operations:
        assert operation["summary"], (path, method)
        if method in ("post", "put", "patch"):
            assert "requestBody" in operation, (path, method)
        for status, response in operation["responses"].items():
            if status != "204":
                assert response["content"]["application/json"]["schema"], (path, method, status)
    upload = schema["paths"]["/api/upload/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    required = schema["components"]["schemas"]["TaskCreationIn"]["required"]
    assert required == ["name", "specification", "due_date", "performer"]
