"""Generated from the OpenAPI document: new endpoints are covered without new test code."""

import json
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
    # careers (Whyness): the catalog, the public feedback link, password reset, prospect sign-up
    # and the client error log (spec careers.md §4)
    ("GET", "/api/v1/question/"),
    ("GET", "/api/v1/question/{question_id}/"),
    ("GET", "/api/v1/profession/"),
    ("GET", "/api/v1/profession/{profession_id}/"),
    ("GET", "/api/v1/role/"),
    ("GET", "/api/v1/role/{role_id}/"),
    ("GET", "/api/v1/typeattributes/"),
    ("GET", "/api/v1/typeattributes/{type_attribute_id}/"),
    ("GET", "/api/v1/typeattributes/{type_attribute_id}/roles/"),
    ("GET", "/api/v1/agpoll/sweetspotvalues/"),
    ("GET", "/api/v1/agpoll/sweetspotstrengths/"),
    ("GET", "/api/v1/agpoll/sweetspotimpacts/"),
    ("GET", "/api/v1/agpoll/sweetspotconfidences/"),
    ("GET", "/api/v1/user/feedback/{xref}/"),
    ("POST", "/api/v1/user/feedback/{xref}/"),
    ("POST", "/api/v1/user/reset_password/"),
    ("POST", "/api/v1/user/reset_password/confirm/"),
    ("PUT", "/api/v1/prospect/"),
    ("POST", "/api/v1/error/log/"),
    # a story's original upload: the signed, short-lived link is the permission (§4.2)
    ("GET", "/api/v1/media/{media_id}/file/"),
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
    # All three modules are installed, so every entry must name a real operation: a stale entry
    # would silently make a future operation of that name public.
    existing = {(method, path) for method, path, _ in operations(client)}
    assert sorted(PUBLIC_OPERATIONS - existing) == []


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def module_models():
    from django.apps import apps

    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("modules.")
        for model in config.get_models()
    ]


def module_tags():
    """The OpenAPI tag of each installed module is its app label."""
    from django.apps import apps

    tags = {c.label for c in apps.get_app_configs() if c.name.startswith("modules.")}
    assert tags, "no module installed"
    return tags


def module_state():
    """Every row of every module table plus the email outbox: what a refused request must leave
    exactly as it was (an insert, update or delete anywhere, or a queued email, shows up here)."""
    from django.apps import apps

    models = [
        *module_models(),
        apps.get_model("core", "OutboxEmail"),
        apps.get_model("core", "OutboxAttachment"),
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def assert_nothing_written(before, what):
    after = module_state()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], f"{what} wrote to {changed}"


def documented(operation, status, what):
    assert str(status) in operation["responses"], (
        f"{what} answers {status}, which its OpenAPI responses "
        f"{sorted(operation['responses'])} do not document"
    )


def send(client, method, url, body, user):
    from tests.conftest import bearer

    return client.generic(
        method, url, json.dumps(body), content_type="application/json", **bearer(user)
    )


# How to make an object owned by one user for every object endpoint, and what an unrelated user
# of the same kind is told. A module adding an object endpoint adds its factory here; the test
# below fails for any object endpoint that has none. Factories get (method, path) so they can
# make the object in a state where that operation would change it.
def _task(method, path):
    from model_bakery import baker

    from modules.taskboard.models import Task
    from tests.conftest import make_user

    owner, outsider = make_user(), make_user()
    task = baker.make(Task, specification="s", creator=owner, performer=owner)
    return str(task.pk), owner, outsider


def _payment(method, path):
    from tests.payments.conftest import make_payment, make_supplier

    owner, outsider = make_supplier("Owner"), make_supplier("Outsider")
    return str(make_payment(owner).pk), owner.user, outsider.user


def _anticipation(method, path):
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


def _owned_document(owner):
    from modules.batches.services.documents import document_store, index_content

    return document_store(
        organization=owner.groups.get(),
        uploaded_by=owner,
        indexed=index_content("a.txt", b"The term is one year."),
        metadata={"ic01": "x"},
    )


def _document(method, path):
    owner, outsider = _batch_members()
    return str(_owned_document(owner).pk), owner, outsider


def _batch_job(method, path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from modules.batches.models import BatchJob

    owner, outsider = _batch_members()
    job = BatchJob.objects.create(user=owner, submitted_by=owner, cuid=owner.batch_profile.cuid)
    if method != "DELETE":  # a queued job, so that a DELETE would cancel it (change the row)
        name = default_storage.save(f"batches/results/{job.pk}.xlsx", ContentFile(b"xlsx"))
        BatchJob.objects.filter(pk=job.pk).update(status="finished", result_file=name)
    return str(job.pk), owner, outsider


def _careers_users(**outsider_fields):
    """Two careers users, each with the profile their first request would have made: a
    refused request must not be the one that writes it."""
    from modules.careers.models import CareerProfile
    from tests.conftest import make_user

    owner, outsider = make_user(), make_user(**outsider_fields)
    CareerProfile.objects.create(user=owner)
    CareerProfile.objects.create(user=outsider)
    return owner, outsider


def _dreamjob(method, path):
    from modules.careers.models import DreamJob

    owner, outsider = _careers_users()
    return str(DreamJob.objects.create(user=owner, role1="owner's").pk), owner, outsider


def _sweetspot(method, path):
    from modules.careers.models import SweetSpot

    owner, outsider = _careers_users()
    return str(SweetSpot.objects.create(user=owner, valueother="owner's").pk), owner, outsider


def _media(method, path):
    from modules.careers.models import Media, Question

    owner, outsider = _careers_users()
    question = Question.objects.create(question="Why?")
    story = Media.objects.create(
        user=owner, question=question, file="careers/media/x.wav", audio_format="wav"
    )
    return str(story.pk), owner, outsider


def _prospect(method, path):
    """Prospects belong to no user: staff read and delete them, everyone else gets 403."""
    from modules.careers.models import Prospect

    outsider, staff = _careers_users(is_staff=True)  # staff are the rightful callers
    prospect = Prospect.objects.create(name="P", email=f"p{staff.pk}@example.com")
    return str(prospect.pk), staff, outsider


# path prefix before the id -> (factory, model, status for the outsider, body for the outsider)
OBJECT_FACTORIES = {
    "/api/tasks/": (_task, "taskboard.Task", 404, {"detail": "Not found."}),
    "/api/payments/": (
        _payment,
        "payments.Payment",
        404,
        {"detail": "No Payment matches the given query."},
    ),
    "/api/anticipations/": (
        _anticipation,
        "payments.Anticipation",
        404,
        {"detail": "No Anticipation matches the given query."},
    ),
    "/api/documents/": (_document, "batches.Document", 404, {"detail": "Not found."}),
    # The legacy body names the job: {"message": "Batch <job_id> not found"} (tests/batches).
    "/api/batch/": (_batch_job, "batches.BatchJob", 404, None),
    "/api/v1/agpoll/dreamjob/": (_dreamjob, "careers.DreamJob", 404, {"detail": "Not found."}),
    "/api/v1/agpoll/sweetspot/": (_sweetspot, "careers.SweetSpot", 404, {"detail": "Not found."}),
    "/api/v1/media/": (_media, "careers.Media", 404, {"detail": "Not found."}),
    "/api/v1/prospect/": (
        _prospect,
        "careers.Prospect",
        403,
        {"detail": "You do not have permission to perform this action."},
    ),
}

# Owner-only objects that staff do not see either (careers polls): a staff outsider is refused
# exactly as any other.
HIDDEN_FROM_STAFF = {"/api/v1/agpoll/dreamjob/", "/api/v1/agpoll/sweetspot/", "/api/v1/media/"}

# The body sent (by both users) to each write operation on an object path: one that changes the
# object when the caller may, so a missing ownership check shows as a changed row or an email.
# A write operation missing here is sent {} and its owner may then get a documented 400.
WRITE_BODIES = {
    ("PUT", "/api/tasks/{task_id}/"): {"name": "renamed by the caller", "specification": "new"},
    ("PATCH", "/api/tasks/{task_id}/"): {"specification": "changed by the caller", "status": "c"},
    ("POST", "/api/tasks/{task_id}/add_comment/"): {"description": "a comment"},
    ("PATCH", "/api/anticipations/{anticipation_id}/"): {"status": "A"},
    ("PUT", "/api/anticipations/{anticipation_id}/"): {"status": "D"},
    ("PUT", "/api/v1/agpoll/dreamjob/{dreamjob_id}/"): {"role1": "changed by the caller"},
    ("PUT", "/api/v1/agpoll/sweetspot/{sweetspot_id}/"): {"valueother": "changed by the caller"},
    ("POST", "/api/v1/agpoll/sweetspot/{sweetspot_id}/"): {"strengthother": "changed"},
}


def _operator(owner):
    from tests.payments.conftest import make_operator

    return make_operator()


# Who rightfully performs the operation for the positive control, when not the owner itself:
# only operators approve or deny (payments 6.7; the owning supplier gets 403 by design).
RIGHTFUL_CALLER = {
    ("PATCH", "/api/anticipations/{anticipation_id}/"): _operator,
    ("PUT", "/api/anticipations/{anticipation_id}/"): _operator,
}


def _factory_for(path):
    prefix = path[: path.index("{")]
    return OBJECT_FACTORIES.get(prefix)


def _success_codes(operation):
    return {int(code) for code in operation["responses"] if code.startswith("2")}


def test_every_object_endpoint_hides_objects_from_an_unrelated_user(client):
    from django.apps import apps

    missing = []
    checked = []
    for method, path, operation in operations(client):
        if "{" not in path or (method, path) in PUBLIC_OPERATIONS:
            continue
        factory = _factory_for(path)
        if factory is None:
            missing.append(f"{method} {path}")
            continue
        make, model_label, status, body = factory
        model = apps.get_model(model_label)
        object_id, owner, outsider = make(method, path)
        url = re.sub(r"\{(\w+)\}", object_id, path)
        payload = WRITE_BODIES.get((method, path), {})
        what = f"{method} {path} by an unrelated user"

        # The outsider goes first, while the object exists: a DELETE or write that skipped the
        # ownership check would otherwise hide behind the owner's own request.
        before = module_state()
        response = send(client, method, url, payload, outsider)
        assert response.status_code == status, f"{what} -> {response.status_code}"
        documented(operation, status, what)
        if body is not None:
            assert response.json() == body, what
        assert model.objects.filter(pk=object_id).exists(), f"{what} removed the object"
        assert_nothing_written(before, what)
        if path[: path.index("{")] in HIDDEN_FROM_STAFF:
            staff = _careers_users(is_staff=True)[1]
            before = module_state()
            response = send(client, method, url, payload, staff)
            assert response.status_code == status, f"{what} (staff) -> {response.status_code}"
            assert response.json() == body, what
            assert_nothing_written(before, f"{what} (staff)")

        # The positive control: the same request from a rightful caller succeeds, so the
        # outsider's answer is about ownership, not a broken request or a broken endpoint.
        caller = RIGHTFUL_CALLER.get((method, path), lambda user: user)(owner)
        as_owner = send(client, method, url, payload, caller)
        allowed = _success_codes(operation)
        if method in WRITE_METHODS - {"DELETE"} and (method, path) not in WRITE_BODIES:
            allowed |= {400} & {int(code) for code in operation["responses"]}
        assert as_owner.status_code in allowed, (
            f"{method} {url} by its owner -> {as_owner.status_code} (expected one of "
            f"{sorted(allowed)}): {as_owner.content[:300]!r}"
        )
        checked.append(f"{method} {path}")
    assert missing == [], f"object endpoints without an ownership check here: {missing}"
    assert checked


# Operations that name another user's object in the body rather than the path. Each case makes
# the owner's object and answers (owner, outsider, request for a user, the spec's status and body
# for the outsider). The outsider's request must write nothing; the owner's must succeed.
def _json_request(method, path, body):
    def request(client, user):
        return send(client, method, path, body(user), user)

    return request


def _named_user():
    from tests.conftest import make_user

    user = make_user()
    user.username = f"user{user.pk}"
    user.save(update_fields=["username"])
    return user


def _taskupdate_by_id():
    from datetime import timedelta

    from django.utils import timezone
    from model_bakery import baker

    from modules.taskboard.models import Task

    owner, outsider = _named_user(), _named_user()
    task = baker.make(Task, specification="s", creator=owner, performer=owner)
    due = str(timezone.localdate() + timedelta(days=7))
    body = lambda user: {  # noqa: E731
        "task_id": task.pk,
        "name": f"taken over by {user.pk}",
        "specification": "changed",
        "due_date": due,
        "performer": user.username,
        "status": "w",
    }
    request = _json_request("PUT", "/api/taskupdate/", body)
    return owner, outsider, request, 400, {"task_id": ["Task not found"]}


def _addcomment_by_name():
    from model_bakery import baker

    from modules.taskboard.models import Task

    owner, outsider = _named_user(), _named_user()
    task = baker.make(Task, specification="s", creator=owner, performer=owner)
    body = lambda user: {"task_name": task.name, "description": "a comment"}  # noqa: E731
    request = _json_request("POST", "/api/addcomment/", body)
    return owner, outsider, request, 400, {"task_name": ["there is no task with that name"]}


def _anticipation_of_another_payment():
    from datetime import timedelta

    from tests.payments.conftest import make_payment, make_supplier

    owner, outsider = make_supplier("Owner"), make_supplier("Outsider")
    payment = make_payment(owner, due_in=20)
    new_due = str(payment.due_date - timedelta(days=5))
    body = lambda user: {"payment": payment.pk, "new_due_date": new_due}  # noqa: E731
    request = _json_request("POST", "/api/anticipations/", body)
    expected = {"payment": ["Make sure you informed a valid payment ID."]}
    return owner.user, outsider.user, request, 400, expected


def _batch_for_another_cuid():
    owner, outsider = _batch_members()
    _owned_document(owner)
    body = lambda user: {  # noqa: E731
        "cuid": owner.batch_profile.cuid,
        "scope": {"ic01_list": ["x"]},
        "prompts": [{"name": "term", "value": "What is the term?"}],
    }
    request = _json_request("POST", "/api/batch", body)
    expected = {"error": "cuid does not match the authenticated user"}
    return owner, outsider, request, 403, expected


def _document_into_another_organization():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import bearer

    owner, outsider = _batch_members()
    organization = owner.groups.get().name

    def request(client, user):
        upload = SimpleUploadedFile("a.txt", b"The term is one year.", "text/plain")
        data = {"file": upload, "organization": organization, "ic01": "x"}
        return client.post("/api/documents/", data, **bearer(user))

    expected = {"organization": ["You are not a member of this organization."]}
    return owner, outsider, request, 400, expected


BODY_REFERENCES = {
    ("PUT", "/api/taskupdate/"): _taskupdate_by_id,
    ("POST", "/api/addcomment/"): _addcomment_by_name,
    ("POST", "/api/anticipations/"): _anticipation_of_another_payment,
    ("POST", "/api/batch"): _batch_for_another_cuid,
    ("POST", "/api/documents/"): _document_into_another_organization,
}


def test_objects_named_in_the_body_are_refused_to_an_unrelated_user(client):
    operations_by_key = {(method, path): op for method, path, op in operations(client)}
    for (method, path), case in BODY_REFERENCES.items():
        assert (method, path) in operations_by_key, f"{method} {path} is not in the OpenAPI"
        operation = operations_by_key[(method, path)]
        owner, outsider, request, status, body = case()
        what = f"{method} {path} naming another user's object"

        before = module_state()
        response = request(client, outsider)
        assert response.status_code == status, f"{what} -> {response.status_code}"
        documented(operation, status, what)
        assert response.json() == body, what
        assert_nothing_written(before, what)

        as_owner = request(client, owner)
        assert as_owner.status_code in _success_codes(operation), (
            f"{method} {path} by the owner -> {as_owner.status_code}: {as_owner.content[:300]!r}"
        )


def _open_review(owner):
    """An OPEN crowdsource review of one transcribed story of ``owner``'s."""
    from modules.careers.models import Media, Question, Review, ReviewStory

    question = Question.objects.create(question="Why?")
    story = Media.objects.create(
        user=owner, question=question, status=4, transcript="t", file="careers/media/x.wav"
    )
    review = Review.objects.create(owner=owner)
    ReviewStory.objects.create(review=review, media=story)
    return review, story


def _review_story(method, path):
    owner, outsider = _careers_users()
    _review, story = _open_review(owner)
    return str(story.pk), owner, outsider


def _reviewed_review(method, path):
    from modules.careers.models import ReviewAssignment

    owner, reviewer = _careers_users()
    review, _story = _open_review(owner)
    ReviewAssignment.objects.create(review=review, reviewer=reviewer, status=10)
    return str(review.pk), owner, reviewer


def _assigned_story(method, path):
    from modules.careers.models import ReviewAssignment

    owner, reviewer = _careers_users()
    review, story = _open_review(owner)
    ReviewAssignment.objects.create(review=review, reviewer=reviewer)
    return str(story.pk), reviewer, owner


# List path -> (factory of an owned object, the item key that holds that object's id). Every list
# operation of a module must be here; the test fails for one that is not.
LIST_FACTORIES = {
    "/api/tasks/": (_task, "id"),
    "/api/payments/": (_payment, "id"),
    "/api/anticipations/": (_anticipation, "id"),
    "/api/logs/": (_anticipation, "anticipation"),
    "/api/documents/": (_document, "id"),
    "/api/batch": (_batch_job, "job_id"),
    "/api/v1/agpoll/dreamjob/": (_dreamjob, "id"),
    "/api/v1/agpoll/sweetspot/": (_sweetspot, "id"),
    "/api/v1/media/": (_media, "id"),
    "/api/v1/crowdsource/story/stories/": (_review_story, "story"),
    "/api/v1/crowdsource/story/reviews/": (_reviewed_review, "review"),
    "/api/v1/crowdsource/review/stories/": (_assigned_story, "story"),
}

# Lists only staff read (prospects belong to no user): everyone else gets 403 and nothing is
# written; staff see the object. path -> (factory of (id, staff, non-staff), item id key).
STAFF_LISTS = {"/api/v1/prospect/": (_prospect, "id")}


# Reads of the caller's own record (``user/`` and its parts), not lists: two users with
# different state each read their own. path -> (make (first, second, first's, second's), read).
def _profiles_named():
    first, second = _careers_users()
    return first, second, (first.pk, first.email), (second.pk, second.email)


def _one_has_a_dreamjob():
    from modules.careers.models import DreamJob

    first, second = _careers_users()
    DreamJob.objects.create(user=first)
    return first, second, True, False


def _one_has_a_story():
    from modules.careers.models import Media, Question

    first, second = _careers_users()
    question = Question.objects.create(question="Why?")
    Media.objects.create(
        user=first,
        question=question,
        status=4,
        transcript="I see it",
        representational_system={"visual": 3},
        file="careers/media/x.wav",
    )
    return first, second, 3, 0


def _one_was_rated():
    from modules.careers.models import PeerFeedback, SweetSpotOption

    first, second = _careers_users()
    option = {
        kind: SweetSpotOption.objects.create(kind=kind, title=f"{kind} A")
        for kind in ("value", "strength", "impact", "confidence")
    }
    PeerFeedback.objects.create(
        subject=first,
        value1=option["value"],
        strength1=option["strength"],
        impact1=option["impact"],
        valueconfidence=option["confidence"],
        strengthconfidence=option["confidence"],
        impactconfidence=option["confidence"],
    )
    return first, second, [{"value": "value A", "value_count": 1}], []


def _one_granted():
    from modules.careers.models import StoryGrant

    first, second = _careers_users()
    StoryGrant.objects.create(user=first, is_granted=True)
    return first, second, True, False


def _dated(model, row, year):
    from datetime import UTC, datetime

    stamp = datetime(year, 1, 1, tzinfo=UTC)
    model.objects.filter(pk=row.pk).update(create_date=stamp, update_date=stamp)
    return f"{year}-01-01T00:00:00Z"


def _both_have_a_review():
    from modules.careers.models import Review

    first, second = _careers_users()
    dates = [
        _dated(Review, _open_review(user)[0], year)
        for user, year in ((first, 2024), (second, 2025))
    ]
    return first, second, *dates


def _both_review():
    from modules.careers.models import ReviewAssignment

    first, second = _careers_users()
    owner = _careers_users()[0]
    review, _story = _open_review(owner)
    dates = [
        _dated(
            ReviewAssignment, ReviewAssignment.objects.create(review=review, reviewer=user), year
        )
        for user, year in ((first, 2024), (second, 2025))
    ]
    return first, second, *dates


OWN_READS = {
    "/api/v1/crowdsource/story/grant/": (_one_granted, lambda body: body["is_granted"]),
    "/api/v1/crowdsource/story/status/": (_both_have_a_review, lambda body: body["create_date"]),
    "/api/v1/crowdsource/review/status/": (_both_review, lambda body: body["create_date"]),
    "/api/v1/user/": (_profiles_named, lambda body: (body["id"], body["email"])),
    "/api/v1/user/status/": (_one_has_a_dreamjob, lambda body: body["dreamjob_completed"]),
    "/api/v1/user/profile/": (
        _one_has_a_story,
        lambda body: body["representational_system"]["visual"],
    ),
    "/api/v1/user/feedback/": (_one_was_rated, lambda body: body["values"]),
}


def _listed_ids(client, path, operation, user, key):
    from tests.conftest import bearer

    query = {
        p["name"]: "100"
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p["name"] in ("page_size", "limit")
    }
    response = client.get(path, query, **bearer(user))
    assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    data = response.json()
    items = data["results"] if isinstance(data, dict) else data
    assert isinstance(items, list), f"GET {path} is not a list nor a paginated envelope"
    return {str(item[key]) for item in items}


def test_no_list_shows_another_users_objects(client):
    missing = []
    checked = []
    for method, path, operation in operations(client):
        if method != "GET" or "{" in path or (method, path) in PUBLIC_OPERATIONS:
            continue
        if not module_tags() & set(operation.get("tags", [])):
            continue
        if path in STAFF_LISTS or path in OWN_READS:
            continue  # covered by the two tests below
        if path not in LIST_FACTORIES:
            missing.append(path)
            continue
        make, key = LIST_FACTORIES[path]
        # Two unrelated users, each with an object of their own.
        first_id, first, _ = make(method, path)
        second_id, second, _ = make(method, path)
        first_sees = _listed_ids(client, path, operation, first, key)
        second_sees = _listed_ids(client, path, operation, second, key)
        assert first_id in first_sees and second_id in second_sees, f"GET {path}: own object"
        assert second_id not in first_sees, f"GET {path} shows another user's object"
        assert first_id not in second_sees, f"GET {path} shows another user's object"
        checked.append(path)
    assert missing == [], f"module list endpoints without a factory here: {missing}"
    assert checked


def test_staff_only_lists_refuse_everyone_else(client):
    from tests.conftest import bearer

    operations_by_key = {(method, path): op for method, path, op in operations(client)}
    for path, (make, key) in STAFF_LISTS.items():
        operation = operations_by_key[("GET", path)]
        object_id, staff, outsider = make("GET", path)
        before = module_state()
        response = client.get(path, **bearer(outsider))
        assert response.status_code == 403, f"GET {path} by a non-staff user"
        documented(operation, 403, f"GET {path}")
        assert response.json() == {"detail": "You do not have permission to perform this action."}
        assert_nothing_written(before, f"GET {path} by a non-staff user")
        assert object_id in _listed_ids(client, path, operation, staff, key)


def test_own_record_reads_show_the_callers_own(client):
    from tests.conftest import bearer

    known = {(method, path) for method, path, _ in operations(client)}
    for path, (make, read) in OWN_READS.items():
        assert ("GET", path) in known, f"GET {path} is not in the OpenAPI"
        first, second, first_sees, second_sees = make()
        before = module_state()
        for user, expected in ((first, first_sees), (second, second_sees)):
            response = client.get(path, **bearer(user))
            assert response.status_code == 200, f"GET {path} -> {response.status_code}"
            assert read(response.json()) == expected, f"GET {path} shows another user's record"
        assert_nothing_written(before, f"GET {path}")


# The second API (spec assessments.md): /api/assessments/ has its own document, envelope and
# roles. tests/assessments/matrix.py says who may call each of its operations; every operation of
# its document must be there, public, or about the caller alone.
ASSESSMENTS_CALLERS = (
    "anonymous",
    "stranger",
    "respondent",
    "reviewer",
    "editor",
    "manager",
    "owner",
)


def assessments_operations(client):
    schema = client.get("/api/assessments/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_assessments_operation_is_public_self_or_in_the_role_matrix(client):
    from tests.assessments.matrix import OPERATIONS, PUBLIC, SELF, key

    found = {(method, path) for method, path, _ in assessments_operations(client)}
    unclassified = sorted(
        f"{method} {path}"
        for method, path in found
        if (method, path) not in PUBLIC | SELF and key(method, path) not in OPERATIONS
    )
    assert unclassified == [], f"assessments operations without a role rule: {unclassified}"
    stale = sorted((PUBLIC | SELF) - found) + sorted(
        f"{m} {p}" for m, p in OPERATIONS if (m, f"/api/assessments{p}") not in found
    )
    assert stale == [], f"the matrix names operations that do not exist: {stale}"


def test_assessments_operations_refuse_anonymous_callers_in_the_legacy_body(client):
    from tests.assessments.matrix import PUBLIC

    checked = []
    for method, path, operation in assessments_operations(client):
        if (method, path) in PUBLIC:
            assert not operation.get("security"), (
                f"{method} {path} is public but documents security"
            )
            continue
        assert operation.get("security"), f"{method} {path} does not document its bearer security"
        before = module_state()
        response = client.generic(
            method, concrete(path, operation), "{}", content_type="application/json"
        )
        assert response.status_code == 401, f"{method} {path} -> {response.status_code}"
        documented(operation, 401, f"{method} {path} without a token")
        assert response.json() == {"detail": "Not authenticated"}
        assert response["WWW-Authenticate"] == "Bearer"
        assert_nothing_written(before, f"{method} {path} without a token")
        checked.append((method, path))
    assert checked


@pytest.mark.parametrize("caller", ASSESSMENTS_CALLERS)
def test_assessments_roles_allow_and_refuse_each_operation(client, caller):
    """Each operation in a fresh world: a refused caller gets the operation's own 401 or 403,
    sees nothing of the applet and writes nothing; a rightful one succeeds."""
    from tests.assessments.matrix import OPERATIONS, PREFIX, world

    by_key = {(method, path): op for method, path, op in assessments_operations(client)}
    for (method, path), (allowed, denied, body, encrypted) in OPERATIONS.items():
        operation = by_key[(method, f"{PREFIX}{path}")]
        found = world(client, encrypted=encrypted)
        url = found.url(f"{PREFIX}{path}")
        payload = body(found) if body else {}
        what = f"{method} {path} by {caller}"
        before = module_state()
        if caller == "anonymous":
            response = client.generic(
                method, url, json.dumps(payload), content_type="application/json"
            )
            assert (response.status_code, response.json()) == (
                401,
                {"detail": "Not authenticated"},
            ), what
        elif caller in allowed:
            response = send(client, method, url, payload, found.users[caller])
            assert response.status_code in _success_codes(operation), (
                f"{what} -> {response.status_code}: {response.content[:300]!r}"
            )
            continue
        else:
            response = send(client, method, url, payload, found.users[caller])
            assert response.status_code == 403, f"{what} -> {response.status_code}"
            documented(operation, 403, what)
            assert response.json() == {
                "result": [{"message": denied, "type": "ACCESS_DENIED", "path": []}]
            }, what
        assert found.applet["displayName"] not in response.content.decode(), (
            f"{what} leaks the applet"
        )
        assert_nothing_written(before, what)


def test_assessments_lists_show_only_what_the_caller_holds_a_role_in(client):
    from tests.assessments.matrix import world
    from tests.conftest import bearer

    found = world(client)
    theirs = str(found.owner.public_id)
    for caller, user in found.users.items():
        headers = bearer(user)
        applets = client.get("/api/assessments/applets", {"limit": 100}, **headers).json()["result"]
        workspaces = client.get("/api/assessments/workspaces", **headers).json()["result"]
        sees_applet = found.applet["id"] in {each["id"] for each in applets}
        sees_workspace = theirs in {each["ownerId"] for each in workspaces}
        assert sees_applet is (caller not in ("stranger",)), f"GET /applets as {caller}"
        team = caller not in ("stranger", "respondent")
        assert sees_workspace is team, f"GET /workspaces as {caller}"
