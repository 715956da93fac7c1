"""Generated from the OpenAPI document: new endpoints are covered without new test code."""

import re

import pytest

pytestmark = pytest.mark.django_db

# Reviewed list of operations anyone may call. Adding to it is a security decision.
PUBLIC_OPERATIONS = {
    ("GET", "/api/hello"),
    ("GET", "/api/version/"),
    ("GET", "/api/health/"),
    ("GET", "/api/files/{token}"),
    ("POST", "/api/token/"),
    ("POST", "/api/token/refresh/"),
    ("POST", "/api/token/verify/"),
    ("POST", "/api/token/blacklist/"),
    # taskboard (legacy TaskTable public endpoints)
    ("GET", "/api/"),
    ("POST", "/api/registration/"),
    ("POST", "/api/login/"),
    ("POST", "/api/logout/"),
}

PLACEHOLDERS = {"integer": "1", "string": "00000000-0000-4000-8000-000000000000"}


def operations(client):
    schema = client.get("/api/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def concrete(path, operation):
    params = {
        p["name"]: p.get("schema", {}).get("type", "string")
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(params.get(m.group(1)), "x"), path)


def test_every_non_public_operation_requires_a_token(client):
    checked = []
    for method, path, operation in operations(client):
        if (method, path) in PUBLIC_OPERATIONS:
            assert not operation.get("security"), (
                f"{method} {path} is public but documents security"
            )
            continue
        assert operation.get("security"), f"{method} {path} does not document its bearer security"
        response = client.generic(
            method, concrete(path, operation), "{}", content_type="application/json"
        )
        assert response.status_code == 401, f"{method} {path} -> {response.status_code}"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "detail" in response.json()
        checked.append((method, path))
    assert checked, "no protected operation found"


def test_public_list_names_only_existing_operations(client):
    existing = {(method, path) for method, path, _ in operations(client)}
    # Module entries may not exist until the module is installed; core ones must.
    core = {
        op
        for op in PUBLIC_OPERATIONS
        if op[1].startswith(
            ("/api/token", "/api/hello", "/api/version", "/api/health", "/api/files")
        )
    }
    assert core <= existing


# How to make an object owned by one user for every object endpoint, and what an unrelated user
# of the same kind is told. A module adding an object endpoint adds its factory here; the test
# below fails for any object endpoint that has none.
def _task(_):
    from model_bakery import baker

    from modules.taskboard.models import Task
    from tests.conftest import make_user

    owner, outsider = make_user(), make_user()
    task = baker.make(Task, specification="s", creator=owner, performer=owner)
    return str(task.pk), owner, outsider


def _payment(_):
    from tests.payments.conftest import make_payment, make_supplier

    owner, outsider = make_supplier("Owner"), make_supplier("Outsider")
    return str(make_payment(owner).pk), owner.user, outsider.user


def _anticipation(_):
    from tests.payments.conftest import make_anticipation, make_payment, make_supplier

    owner, outsider = make_supplier("Owner"), make_supplier("Outsider")
    return str(make_anticipation(make_payment(owner)).pk), owner.user, outsider.user


def _batch_members():
    from django.contrib.auth.models import Group

    from modules.batches.models import BatchProfile
    from tests.conftest import make_user

    owner, outsider = make_user(), make_user()
    owner.groups.add(Group.objects.create(name=f"owners-{owner.pk}"))
    outsider.groups.add(Group.objects.create(name=f"outsiders-{outsider.pk}"))
    BatchProfile.objects.create(user=owner, cuid=f"OWNR{owner.pk:04d}")
    BatchProfile.objects.create(user=outsider, cuid=f"OUTS{outsider.pk:04d}")
    return owner, outsider


def _document(_):
    from modules.batches.services.documents import document_store, index_content

    owner, outsider = _batch_members()
    document = document_store(
        organization=owner.groups.get(),
        uploaded_by=owner,
        indexed=index_content("a.txt", b"The term is one year."),
        metadata={"ic01": "x"},
    )
    return str(document.pk), owner, outsider


def _batch_job(_):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from modules.batches.models import BatchJob

    owner, outsider = _batch_members()
    job = BatchJob.objects.create(user=owner, submitted_by=owner, cuid=owner.batch_profile.cuid)
    name = default_storage.save(f"batches/results/{job.pk}.xlsx", ContentFile(b"xlsx"))
    BatchJob.objects.filter(pk=job.pk).update(status="finished", result_file=name)
    return str(job.pk), owner, outsider


# path prefix before the id -> (factory, status for the outsider, body for the outsider)
OBJECT_FACTORIES = {
    "/api/tasks/": (_task, 404, {"detail": "Not found."}),
    "/api/payments/": (_payment, 404, {"detail": "No Payment matches the given query."}),
    "/api/anticipations/": (
        _anticipation,
        404,
        {"detail": "No Anticipation matches the given query."},
    ),
    "/api/documents/": (_document, 404, {"detail": "Not found."}),
    # The legacy body names the job: {"message": "Batch <job_id> not found"} (tests/batches).
    "/api/batch/": (_batch_job, 404, None),
}


def _factory_for(path):
    prefix = path[: path.index("{")]
    return OBJECT_FACTORIES.get(prefix)


def test_every_object_endpoint_hides_objects_from_an_unrelated_user(client):
    from tests.conftest import bearer

    missing = []
    checked = []
    for method, path, operation in operations(client):
        if "{" not in path or (method, path) in PUBLIC_OPERATIONS:
            continue
        factory = _factory_for(path)
        if factory is None:
            missing.append(f"{method} {path}")
            continue
        make, status, body = factory
        object_id, owner, outsider = make(None)
        url = re.sub(r"\{(\w+)\}", object_id, path)
        as_owner = client.generic(
            method, url, "{}", content_type="application/json", **bearer(owner)
        )
        assert as_owner.status_code != 404, f"{method} {url}: the owner cannot reach it"
        response = client.generic(
            method, url, "{}", content_type="application/json", **bearer(outsider)
        )
        assert response.status_code == status, f"{method} {path} -> {response.status_code}"
        if body is not None:
            assert response.json() == body, f"{method} {path}"
        checked.append(f"{method} {path}")
    assert missing == [], f"object endpoints without an ownership check here: {missing}"
    assert checked
