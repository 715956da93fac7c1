"""#42 POST /answers: every check in the spec's order with its message, nothing written on a
refusal, and what an accepted answer stores; check-existence and the liveness probe."""

import json
import uuid
from datetime import UTC, date, datetime, time

import pytest

from modules.assessments.models import Answer, AnswerAlert, AnswerItem, Subject
from tests.assessments.answering import END_MS, answer_body, make_world, submit, submitted
from tests.assessments.client_crypto import decrypt
from tests.assessments.conftest import call, error, grant, update_body
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BAD = "BAD_REQUEST"


@pytest.fixture
def world(client, owner):
    return make_world(client, owner)


def flow_body(world, index, submit_id, **changes):
    changes.setdefault("flowId", world.flow["id"])
    return answer_body(world, activity_index=index, submitId=submit_id, **changes)


def test_an_answer_is_stored_as_the_client_sent_it(client, world):
    alert_item = world.activity(0)["items"][0]["id"]
    body = answer_body(
        world,
        plain=[{"value": 1, "text": "Ünïcode ✓"}],
        alerts=[{"activityItemId": alert_item, "message": "High risk"}],
    )
    response = submit(client, body, world.respondent, HTTP_X_TIMEZONE="Europe/Paris")
    assert response.status_code == 201
    assert response.content == b"null"

    answer = Answer.objects.get(submit_id=body["submitId"])
    own = world.subject_of(world.respondent)
    assert answer.applet_id == uuid.UUID(world.id)
    assert answer.version == "1.1.0"
    assert answer.applet_history_id == f"{world.id}_1.1.0"
    assert answer.activity_history_id == f"{world.activity(0)['id']}_1.1.0"
    assert answer.flow_history_id is None and answer.is_flow_completed is None
    assert answer.respondent == world.respondent
    assert answer.target_subject == own and answer.source_subject == own
    assert answer.input_subject == own
    assert answer.relation is None
    assert answer.created_at == datetime.fromtimestamp(END_MS / 1000, tz=UTC)
    assert answer.client == {"appId": "mindlogger-mobile", "appVersion": "1.0.0"}
    item = AnswerItem.objects.get(answer_row=answer)
    sent = body["answer"]
    assert item.answer == sent["answer"] and item.events == sent["events"]
    assert item.user_public_key == sent["userPublicKey"]
    assert item.item_ids == sent["itemIds"]
    assert item.start_datetime == datetime(2024, 5, 20, 10, 13, 20, tzinfo=UTC)
    assert item.end_datetime == datetime(2024, 5, 20, 10, 14, 20, tzinfo=UTC)
    assert item.local_end_date == date(2024, 5, 20) and item.local_end_time == time(10, 1)
    assert item.tz_offset == 120  # Paris in May, from X-Timezone at endTime
    assert item.is_assessment is False
    # The team, holding the applet's private key, reads it back.
    key = world.keys.key_for(item.user_public_key)
    assert json.loads(decrypt(item.answer, key)) == [{"value": 1, "text": "Ünïcode ✓"}]
    alert = AnswerAlert.objects.get()
    assert (alert.answer, alert.message, str(alert.activity_item_id)) == (
        answer,
        "High risk",
        alert_item,
    )


def test_iso_times_and_a_given_offset_are_kept(client, world):
    body = answer_body(
        world,
        createdAt="2024-05-20T12:00:00.123+02:00",
        answer={
            "startTime": "2024-05-20T10:00:00",
            "endTime": "2024-05-20T10:05:00Z",
            "tzOffset": -300,
        },
    )
    assert submit(client, body, world.respondent, HTTP_X_TIMEZONE="Asia/Tokyo").status_code == 201
    answer = Answer.objects.get(submit_id=body["submitId"])
    assert answer.created_at == datetime(2024, 5, 20, 10, 0, 0, 123000, tzinfo=UTC)
    assert answer.item.start_datetime == datetime(2024, 5, 20, 10, 0, tzinfo=UTC)
    assert answer.item.tz_offset == -300


def test_without_created_at_or_time_zone(client, world):
    body = answer_body(world, createdAt=None)
    before = datetime.now(UTC)
    assert submit(client, body, world.respondent, HTTP_X_TIMEZONE="Not/AZone").status_code == 201
    answer = Answer.objects.get(submit_id=body["submitId"])
    assert answer.created_at >= before
    assert answer.item.tz_offset is None


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"answer": {"itemIds": None}}, ["body", "answer", "itemIds"], None),
        ({"client": {"appId": "x"}}, ["body", "client", "appVersion"], "Field required"),
        ({"surprise": 1}, ["body", "surprise"], "extra fields not permitted"),
        ({"answer": {"startTime": "yesterday"}}, ["body", "answer", "startTime"], None),
        ({"submitId": "not-a-uuid"}, ["body", "submitId"], None),
    ],
)
def test_schema_errors_are_422(client, world, unchanged, change, path, message):
    body = answer_body(world)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
            if key == "client":
                body[key] = value
        else:
            body[key] = value
    with unchanged():
        response = submit(client, body, world.respondent)
    assert response.status_code == 422
    [entry] = response.json()["result"]
    assert entry["type"] == "UNDEFINED"
    assert entry["path"] == path
    if message:
        assert entry["message"] == message


def test_missing_time_is_422(client, world, unchanged):
    body = answer_body(world)
    del body["answer"]["endTime"]
    with unchanged():
        response = submit(client, body, world.respondent)
    assert response.status_code == 422
    assert response.json()["result"][0]["path"][-1] == "endTime"


def test_missing_applet_then_role(client, world, stranger, unchanged):
    missing = str(uuid.uuid4())
    editor = make_user()
    grant(editor, world.id, "editor")
    with unchanged():
        response = submit(client, answer_body(world, appletId=missing), world.respondent)
        assert response.status_code == 404
        assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")
        for user in (stranger, editor):
            response = submit(client, answer_body(world, user), user)
            assert response.status_code == 403
            assert response.json() == error(
                "Access denied to submit answer to applet.", "ACCESS_DENIED"
            )


def refused(client, body, user, message, status=400, kind=BAD):
    response = submit(client, body, user)
    assert response.status_code == status, response.content
    assert response.json() == error(message, kind)


def test_unknown_version(client, world, unchanged):
    with unchanged():
        refused(client, answer_body(world, version="9.9.9"), world.respondent, "Invalid version.")


def test_flow_checks(client, owner, unchanged):
    # A flow over "Morning" only: "Evening" is not in it.
    from tests.assessments.conftest import activity, applet_body, create_applet, single_select

    morning, evening = activity("Morning"), activity("Evening", items=[single_select("b")])
    applet = create_applet(
        client,
        owner,
        applet_body(
            name="One flow",
            activities=[morning, evening],
            flows=[{"name": "F", "description": {}, "items": [{"activityKey": morning["key"]}]}],
        ),
    )
    world = make_world(client, owner, name="Other")
    world.applet = applet
    grant(world.respondent, applet["id"], "respondent")
    with unchanged():
        body = answer_body(world, flowId=str(uuid.uuid4()))
        refused(client, body, world.respondent, "Flow not found")
        body = answer_body(world, activity_index=1, flowId=applet["activityFlows"][0]["id"])
        refused(client, body, world.respondent, "Activity not found in the flow")


def test_submit_id_without_flow_is_single_use(client, world, unchanged):
    body = answer_body(world)
    assert submit(client, body, world.respondent).status_code == 201
    again = answer_body(world, submitId=body["submitId"], activity_index=1)
    with unchanged():
        refused(client, again, world.respondent, "Submit id duplicate error")


def test_a_flow_run_in_order_then_completed(client, world, unchanged):
    run = str(uuid.uuid4())
    with unchanged():
        refused(
            client, flow_body(world, 1, run), world.respondent, "Wrong activity order in the flow"
        )
    assert submit(client, flow_body(world, 0, run), world.respondent).status_code == 201
    with unchanged():
        refused(
            client, flow_body(world, 0, run), world.respondent, "Wrong activity order in the flow"
        )
    last = flow_body(world, 1, run, isFlowCompleted=True)
    assert submit(client, last, world.respondent).status_code == 201
    assert list(
        Answer.objects.filter(submit_id=run)
        .order_by("created_at", "activity_history")
        .values_list("flow_history_id", "is_flow_completed")
    ) == [(f"{world.flow['id']}_1.1.0", None), (f"{world.flow['id']}_1.1.0", True)] or set(
        Answer.objects.filter(submit_id=run).values_list("is_flow_completed", flat=True)
    ) == {None, True}
    with unchanged():
        refused(client, flow_body(world, 1, run), world.respondent, "Flow is already completed")


def test_the_last_activity_may_complete_a_flow_alone(client, world):
    body = flow_body(world, 1, str(uuid.uuid4()), isFlowCompleted=True)
    assert submit(client, body, world.respondent).status_code == 201


def test_a_submit_id_belongs_to_one_applet_version_user_and_flow(client, owner, unchanged):
    world = make_world(client, owner, flows=2)
    run = str(uuid.uuid4())
    assert submit(client, flow_body(world, 0, run), world.respondent).status_code == 201

    other = make_world(client, owner, name="Other applet")
    grant(world.respondent, other.id, "respondent")
    elsewhere = answer_body(
        other, world.respondent, activity_index=1, flowId=other.flow["id"], submitId=run
    )
    # A new version of the same applet (every PUT bumps).
    response = call(client, "PUT", f"/applets/{world.id}", update_body(world.applet), user=owner)
    assert response.status_code == 200 and response.json()["result"]["version"] == "1.1.1"
    newer = flow_body(world, 1, run, version="1.1.1")
    someone = make_user()
    grant(someone, world.id, "respondent")
    theirs = answer_body(world, someone, activity_index=1, flowId=world.flow["id"], submitId=run)
    second_flow = world.applet["activityFlows"][1]["id"]
    other_flow = flow_body(world, 1, run, flowId=second_flow)
    with unchanged():
        refused(
            client,
            elsewhere,
            world.respondent,
            "In the same submit there can not be different applet id.",
        )
        refused(
            client,
            newer,
            world.respondent,
            "In the same submit there can not be different version.",
        )
        refused(client, theirs, someone, "Different users can not submit with the same submit id.")
        refused(client, other_flow, world.respondent, "Submit id duplicate error")


def test_unknown_activity_history(client, world, unchanged):
    with unchanged():
        refused(
            client,
            answer_body(world, activityId=str(uuid.uuid4())),
            world.respondent,
            "Activity history does not exist.",
            404,
            "NOT_FOUND",
        )


def test_a_respondent_without_a_live_subject(client, world, unchanged):
    Subject.objects.filter(applet_id=world.id, user=world.respondent).update(is_deleted=True)
    with unchanged():
        refused(client, answer_body(world), world.respondent, "Respondent subject not found")


@pytest.mark.parametrize("field", ["targetSubjectId", "sourceSubjectId", "inputSubjectId"])
def test_unknown_or_foreign_subjects(client, world, owner, unchanged, field):
    other = make_world(client, owner, name="Elsewhere")
    foreign = other.subject_of(other.respondent).pk
    gone = world.subject_of(world.owner)
    gone.is_deleted = True
    gone.save()
    for subject_id in (uuid.uuid4(), foreign, gone.pk):
        with unchanged():
            refused(
                client,
                answer_body(world, **{field: str(subject_id)}),
                world.respondent,
                f"Subject {subject_id} not found",
            )


def test_relations(client, world, owner):
    limited = Subject.objects.create(applet_id=world.id, secret_user_id="limited-1")
    rita = world.subject_of(world.respondent).pk
    mine = world.subject_of(owner).pk
    cases = [
        (world.respondent, {}, None),
        (world.respondent, {"targetSubjectId": str(limited.pk)}, "other"),
        (
            world.respondent,
            {"targetSubjectId": str(limited.pk), "sourceSubjectId": str(limited.pk)},
            "self",
        ),
        (owner, {"targetSubjectId": str(rita)}, "admin"),
        (owner, {"targetSubjectId": str(mine)}, None),
    ]
    for user, change, relation in cases:
        answer_id = submitted(client, world, user, **change)
        assert Answer.objects.get(pk=answer_id).relation == relation, (change, relation)


def test_check_existence_in_utc_milliseconds(client, world, stranger, unchanged):
    body = answer_body(world, createdAt="2024-05-20T10:01:00.123456+00:00")
    assert submit(client, body, world.respondent).status_code == 201

    def check(user, **changes):
        sent = {"appletId": world.id, "activityId": world.activity(0)["id"], **changes}
        return call(client, "POST", "/answers/check-existence", sent, user=user)

    ms = int(datetime(2024, 5, 20, 10, 1, 0, 123000, tzinfo=UTC).timestamp() * 1000)
    for changes, exists in [
        ({"createdAt": ms}, True),
        ({"createdAt": ms + 1}, False),
        ({"createdAt": ms - 1}, False),
        ({"createdAt": ms, "submitId": body["submitId"]}, True),
        ({"createdAt": ms, "submitId": str(uuid.uuid4())}, False),
        ({"createdAt": "2024-05-20T12:01:00.123+02:00"}, True),
    ]:
        response = check(world.respondent, **changes)
        assert response.status_code == 200
        assert response.json() == {"result": {"exists": exists}}, changes
    # Without a submit id only the caller's own answers count.
    other = make_user()
    grant(other, world.id, "respondent")
    assert check(other, createdAt=ms).json() == {"result": {"exists": False}}
    with unchanged():
        response = check(stranger, createdAt=ms)
        assert response.status_code == 403
        assert response.json() == error("Access denied to check answer to applet.", "ACCESS_DENIED")
        missing = str(uuid.uuid4())
        response = check(world.respondent, createdAt=ms, appletId=missing)
        assert response.status_code == 404
        assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")


def test_liveness_is_public_plain_text(client):
    for path in ("/api/assessments/liveness", "/api/assessments/liveness/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert response.content == b"Liveness - OK!"
