"""#47 GET /answers/applet/{a}/data: the JSON page and the streamed CSV, with the exporters'
restrictions intersected (never widened), formula-safe cells and constant-size batches."""

import csv
import io
import json
import uuid

import pytest

from modules.assessments.models import Answer, Subject
from tests.assessments.answering import answer_body, make_world, submit
from tests.assessments.conftest import call, error, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DAY = 1716163200000
HOUR = 3600 * 1000
HEADER = (
    "id,submitId,version,appletId,activityId,flowId,appletHistoryId,activityHistoryId,"
    "flowHistoryId,flowName,respondentId,respondentSecretId,targetSubjectId,targetSecretId,"
    "sourceSubjectId,sourceSecretId,relation,userPublicKey,answer,events,itemIds,"
    "scheduledDatetime,startDatetime,endDatetime,tzOffset,scheduledEventId,reviewedAnswerId,"
    "createdAt,client"
)


@pytest.fixture
def world(client, owner):
    world = make_world(client, owner)
    bob = make_user(email="bob@example.com", password="rita-pass-1")
    grant(bob, world.id, "respondent")
    reviewer = make_user(email="rev@example.com")
    grant(
        reviewer,
        world.id,
        "reviewer",
        meta={"subjects": [str(world.subject_of(world.respondent).pk)]},
    )
    world.users.update(bob=bob, reviewer=reviewer)
    world.ids = {}

    def answer(name, user, at, **changes):
        body = answer_body(world, user, createdAt=at, **changes)
        assert submit(client, body, user).status_code == 201
        world.ids[name] = str(Answer.objects.get(submit_id=body["submitId"]).pk)
        return body

    world.bodies = {
        "r1": answer("r1", world.respondent, DAY + HOUR),
        "b1": answer("b1", bob, DAY + 2 * HOUR),
        "f1": answer(
            "f1",
            world.respondent,
            DAY + 3 * HOUR,
            flowId=world.flow["id"],
            answer={"scheduledTime": DAY, "scheduledEventId": "@event", "tzOffset": -300},
        ),
        "o1": answer(
            "o1",
            owner,
            DAY + 4 * HOUR,
            targetSubjectId=str(world.subject_of(world.respondent).pk),
        ),
    }
    return world


def export(client, world, user, query=""):
    return call(client, "GET", f"/answers/applet/{world.id}/data{query}", user=user)


def ids(response):
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["result"]["answers"]]


def test_the_json_export_newest_first(client, world, owner):
    response = export(client, world, owner)
    body = response.json()
    assert body["count"] == 4
    assert [a["id"] for a in body["result"]["answers"]] == [
        world.ids["o1"],
        world.ids["f1"],
        world.ids["b1"],
        world.ids["r1"],
    ]
    rita = world.subject_of(world.respondent)
    mine = world.subject_of(owner)
    sent = world.bodies["f1"]
    act = world.activity(0)["id"]
    assert body["result"]["answers"][1] == {
        "id": world.ids["f1"],
        "submitId": sent["submitId"],
        "version": "1.1.0",
        "appletId": world.id,
        "activityId": act,
        "flowId": world.flow["id"],
        "appletHistoryId": f"{world.id}_1.1.0",
        "activityHistoryId": f"{act}_1.1.0",
        "flowHistoryId": f"{world.flow['id']}_1.1.0",
        "flowName": "Day 0",
        "respondentId": str(world.respondent.public_id),
        "respondentSecretId": rita.secret_user_id,
        "targetSubjectId": str(rita.pk),
        "targetSecretId": rita.secret_user_id,
        "sourceSubjectId": str(rita.pk),
        "sourceSecretId": rita.secret_user_id,
        "relation": None,
        "userPublicKey": sent["answer"]["userPublicKey"],
        "answer": sent["answer"]["answer"],
        "events": sent["answer"]["events"],
        "itemIds": sent["answer"]["itemIds"],
        "scheduledDatetime": DAY / 1000,
        "startDatetime": 1716200000.0,
        "endDatetime": 1716200060.0,
        "tzOffset": -300,
        "scheduledEventId": "@event",
        "reviewedAnswerId": None,
        "createdAt": "2024-05-20T03:00:00",
        "client": {"appId": "mindlogger-mobile", "appVersion": "1.0.0"},
    }
    # A team member's own answers name the admin account.
    owners = body["result"]["answers"][0]
    assert owners["respondentSecretId"] == f"[admin account] ({mine.secret_user_id})"
    assert owners["relation"] == "admin"
    [activity] = body["result"]["activities"]
    assert (activity["idVersion"], [i["name"] for i in activity["items"]]) == (
        f"{act}_1.1.0",
        ["mood"],
    )


def test_paging_filters_and_last_version(client, world, owner):
    assert ids(export(client, world, owner, "?page=2&limit=3")) == [world.ids["r1"]]
    bob = world.users["bob"].public_id
    assert ids(export(client, world, owner, f"?respondentIds={bob}")) == [world.ids["b1"]]
    rita = world.subject_of(world.respondent).pk
    both = f"?targetSubjectIds={rita}&targetSubjectIds={world.subject_of(world.users['bob']).pk}"
    assert len(ids(export(client, world, owner, both))) == 4
    assert ids(export(client, world, owner, "?fromDate=2024-05-21")) == []
    assert ids(export(client, world, owner, "?toDate=2024-05-20")) != []
    body = export(client, world, owner, "?activitiesLastVersion=true&limit=1").json()
    assert sorted(a["name"] for a in body["result"]["activities"]) == ["Evening", "Morning"]
    too_many = export(client, world, owner, "?limit=10001")
    assert too_many.status_code == 422


def test_restricted_exports_are_intersected_never_widened(client, world, owner):
    reviewer, bob = world.users["reviewer"], world.users["bob"]
    rita = world.subject_of(world.respondent).pk
    bobs = world.subject_of(bob).pk
    about_rita = [world.ids["o1"], world.ids["f1"], world.ids["r1"]]
    assert ids(export(client, world, reviewer)) == about_rita
    assert ids(export(client, world, reviewer, f"?targetSubjectIds={rita}")) == about_rita
    assert ids(export(client, world, reviewer, f"?targetSubjectIds={bobs}")) == []
    assert export(client, world, reviewer, f"?targetSubjectIds={bobs}").json()["count"] == 0
    # A respondent exports what it submitted, only.
    assert ids(export(client, world, bob)) == [world.ids["b1"]]
    other = world.respondent.public_id
    assert ids(export(client, world, bob, f"?respondentIds={other}")) == []
    # A reviewer without subjects gets what it submitted: nothing here.
    lonely = make_user()
    grant(lonely, world.id, "reviewer", meta={"subjects": []})
    assert ids(export(client, world, lonely)) == []
    for user, query in ((reviewer, f"?targetSubjectIds={bobs}"), (bob, f"?respondentIds={other}")):
        lines = csv_rows(export(client, world, user, f"{query}&format=csv"))
        assert lines == [HEADER.split(",")]


def test_exporters_only(client, world, stranger, unchanged):
    editor = make_user()
    grant(editor, world.id, "editor")
    with unchanged():
        for user in (stranger, editor):
            for query in ("", "?format=csv"):
                response = export(client, world, user, query)
                assert response.status_code == 403
                assert response.json() == error("Access denied to applet.", "ACCESS_DENIED")
        missing = uuid.uuid4()
        response = call(
            client, "GET", f"/answers/applet/{missing}/data?format=csv", user=world.owner
        )
        assert response.status_code == 404
        assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")


def csv_rows(response):
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export(client, world, owner, settings):
    settings.ASSESSMENTS_EXPORT_BATCH = 2
    # Formula-looking cells: a subject's secret id, a scheduled event id, a negative offset.
    risky = Subject.objects.create(applet_id=world.id, secret_user_id="=HYPERLINK(1)")
    body = answer_body(world, createdAt=DAY + 4 * HOUR, targetSubjectId=str(risky.pk))
    body["client"] = {"appId": "+app", "appVersion": "-1"}
    assert submit(client, body, world.respondent).status_code == 201
    risky_id = str(Answer.objects.get(submit_id=body["submitId"]).pk)

    response = export(client, world, owner, "?format=csv&page=2&limit=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="applet-{world.id}-answers.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == HEADER.split(",")
    json_rows = export(client, world, owner).json()["result"]["answers"]
    # Every answer once, newest first (ties on createdAt by id), paging ignored.
    assert [r[0] for r in rows[1:]] == [a["id"] for a in json_rows]
    assert len(rows) == 1 + 5
    assert risky_id in {r[0] for r in rows[1:]}
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    flow = by_id[world.ids["f1"]]
    sent = world.bodies["f1"]["answer"]
    assert flow["scheduledEventId"] == "'@event"
    assert flow["tzOffset"] == "'-300"
    assert flow["scheduledDatetime"] == str(DAY / 1000)
    assert flow["startDatetime"] == "1716200000.0"
    assert flow["createdAt"] == "2024-05-20T03:00:00"
    assert flow["answer"] == sent["answer"]
    assert json.loads(flow["itemIds"]) == sent["itemIds"]
    assert json.loads(flow["client"]) == {"appId": "mindlogger-mobile", "appVersion": "1.0.0"}
    assert flow["reviewedAnswerId"] == "" and flow["relation"] == ""
    risky_row = by_id[risky_id]
    assert risky_row["targetSecretId"] == "'=HYPERLINK(1)"
    assert risky_row["relation"] == "other"
    assert json.loads(risky_row["client"]) == {"appId": "+app", "appVersion": "-1"}
    owners = by_id[world.ids["o1"]]
    assert owners["respondentSecretId"].startswith("[admin account] (")
    # A reviewer's CSV holds its subjects' answers only.
    reviewer_rows = csv_rows(export(client, world, world.users["reviewer"], "?format=csv"))
    assert sorted(r[0] for r in reviewer_rows[1:]) == sorted(
        [world.ids["o1"], world.ids["f1"], world.ids["r1"]]
    )


def test_csv_batches_keep_ties_in_order(client, world, owner, settings):
    settings.ASSESSMENTS_EXPORT_BATCH = 2
    same = DAY + 10 * HOUR
    for _ in range(5):
        body = answer_body(world, createdAt=same)
        assert submit(client, body, world.respondent).status_code == 201
    rows = csv_rows(export(client, world, owner, "?format=csv"))
    expected = list(Answer.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert [r[0] for r in rows[1:]] == [str(pk) for pk in expected]
    assert len(expected) == 9


def test_csv_times_before_1970_are_formula_safe(client, world, owner):
    """Epoch seconds of a time before 1970 start with ``-``: the cell gets its ``'`` too."""
    body = answer_body(world, createdAt=DAY + 5 * HOUR, answer={"scheduledTime": -1500})
    assert submit(client, body, world.respondent).status_code == 201
    answer_id = str(Answer.objects.get(submit_id=body["submitId"]).pk)
    [json_row] = [
        a for a in export(client, world, owner).json()["result"]["answers"] if a["id"] == answer_id
    ]
    assert json_row["scheduledDatetime"] == -1.5
    rows = csv_rows(export(client, world, owner, "?format=csv"))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_id[answer_id]["scheduledDatetime"] == "'-1.5"
    assert by_id[answer_id]["startDatetime"] == "1716200000.0"
