"""#43-#46: the team reads answers; a reviewer only about the subjects it was given."""

import uuid

import pytest

from modules.assessments.models import Answer
from tests.assessments.answering import answer_body, make_world, submit
from tests.assessments.client_crypto import encrypt
from tests.assessments.conftest import call, error, grant, update_body
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DAY = 1716163200000  # 2024-05-20T00:00:00Z
HOUR = 3600 * 1000
VIEW_DENIED = error("Access denied to view applet answers.", "ACCESS_DENIED")
DENIED = error("Access denied.", "ACCESS_DENIED")


@pytest.fixture
def world(client, owner):
    world = make_world(client, owner)
    bob = make_user(email="bob@example.com", password="rita-pass-1")
    grant(bob, world.id, "respondent")
    reviewer = make_user(email="rev@example.com")
    rita_subject = world.subject_of(world.respondent)
    grant(reviewer, world.id, "reviewer", meta={"subjects": [str(rita_subject.pk)]})
    world.users.update(bob=bob, reviewer=reviewer)
    world.ids = {}

    def answer(name, user, index, at, **changes):
        body = answer_body(world, user, activity_index=index, createdAt=at, **changes)
        assert submit(client, body, user).status_code == 201
        world.ids[name] = str(Answer.objects.get(submit_id=body["submitId"]).pk)
        return body

    world.bodies = {
        "r1": answer("r1", world.respondent, 0, DAY + HOUR),
        "r2": answer("r2", world.respondent, 0, DAY + 2 * HOUR),
        "r3": answer("r3", world.respondent, 1, DAY + 26 * HOUR),
        "b1": answer("b1", bob, 0, DAY + 3 * HOUR),
    }
    return world


def get(client, world, path, user, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return call(client, "GET", f"/answers/applet/{world.id}{path}?{query}", user=user)


def subject(world, name):
    user = world.respondent if name == "rita" else world.users["bob"]
    return str(world.subject_of(user).pk)


def test_activity_answers_oldest_first_with_the_items_answered(client, world, owner):
    act = world.activity(0)
    response = get(client, world, f"/activities/{act['id']}/answers", owner)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [a["answerId"] for a in body["result"]] == [
        world.ids["r1"],
        world.ids["r2"],
        world.ids["b1"],
    ]
    first = body["result"][0]
    sent = world.bodies["r1"]["answer"]
    item = act["items"][0]
    assert first == {
        "answerId": world.ids["r1"],
        "version": "1.1.0",
        "userPublicKey": sent["userPublicKey"],
        "answer": sent["answer"],
        "events": sent["events"],
        "itemIds": sent["itemIds"],
        "items": [
            {
                "id": item["id"],
                "name": "mood",
                "question": item["question"],
                "responseType": "singleSelect",
                "responseValues": item["responseValues"],
                "config": item["config"],
                "order": 1,
                "isHidden": False,
                "conditionalLogic": None,
                "allowEdit": item["allowEdit"],
                "idVersion": f"{item['id']}_1.1.0",
            }
        ],
        "startDatetime": "2024-05-20T10:13:20",
        "endDatetime": "2024-05-20T10:14:20",
        "subscaleSetting": None,
        "reviewCount": {"mine": 0, "other": 0},
    }


def test_activity_answers_filters(client, world, owner):
    act = world.activity(0)["id"]
    path = f"/activities/{act}/answers"

    def ids(**params):
        response = get(client, world, path, owner, **params)
        assert response.status_code == 200, response.content
        return [a["answerId"] for a in response.json()["result"]]

    assert ids(respondentId=world.users["bob"].public_id) == [world.ids["b1"]]
    assert ids(targetSubjectId=subject(world, "rita")) == [world.ids["r1"], world.ids["r2"]]
    assert ids(fromDatetime="2024-05-20T01:30:00", toDatetime=DAY + 2 * HOUR) == [world.ids["r2"]]
    assert ids(versions="9.9.9") == []
    assert ids(versions="9.9.9,1.1.0") == [world.ids["r1"], world.ids["r2"], world.ids["b1"]]
    assert ids(emptyIdentifiers="false") == []
    assert ids(identifiers="abc", emptyIdentifiers="false") == []


def test_reviewers_read_only_their_subjects(client, world, owner, unchanged):
    reviewer = world.users["reviewer"]
    act = world.activity(0)["id"]
    with unchanged():
        for params in ({}, {"targetSubjectId": subject(world, "bob")}):
            for path in (f"/activities/{act}/answers", "/summary/activities", "/dates"):
                response = get(client, world, path, reviewer, **params)
                assert response.status_code == 403, (path, params)
                assert response.json() == DENIED
            response = get(
                client, world, "/review/activities", reviewer, createdDate="2024-05-20", **params
            )
            assert response.json() == DENIED
        for name in ("b1",):
            response = get(client, world, f"/activities/{act}/answers/{world.ids[name]}", reviewer)
            assert response.status_code == 403
            assert response.json() == DENIED
    mine = get(
        client,
        world,
        f"/activities/{act}/answers",
        reviewer,
        targetSubjectId=subject(world, "rita"),
    )
    assert [a["answerId"] for a in mine.json()["result"]] == [world.ids["r1"], world.ids["r2"]]
    one = get(client, world, f"/activities/{act}/answers/{world.ids['r1']}", reviewer)
    assert one.status_code == 200


def test_a_reviewers_identifier_summary_ignores_answers_about_other_subjects(client, world, owner):
    """#44's ``lastAnswerDate`` is the latest answer with that identifier the caller may read: a
    later one about a subject the reviewer was not given does not show through it."""
    act = world.activity(0)["id"]
    identifier = encrypt("case-7", b"k" * 32)
    about = {"rita": subject(world, "rita"), "bob": subject(world, "bob")}
    answered = {}
    for name, at in (("rita", DAY + 5 * HOUR), ("bob", DAY + 6 * HOUR)):
        body = answer_body(world, createdAt=at, targetSubjectId=about[name])
        body["answer"]["identifier"] = identifier
        assert submit(client, body, world.respondent).status_code == 201
        answered[name] = Answer.objects.get(submit_id=body["submitId"]).pk
    path = f"/activities/{act}/answers/{answered['rita']}"
    seen = {}
    for who, user in (("reviewer", world.users["reviewer"]), ("owner", owner)):
        response = get(client, world, path, user)
        assert response.status_code == 200
        seen[who] = response.json()["result"]["summary"]["identifier"]["lastAnswerDate"]
    assert seen == {"reviewer": "2024-05-20T05:00:00", "owner": "2024-05-20T06:00:00"}


def test_only_data_viewers_read_answers(client, world, stranger, unchanged):
    editor, coordinator = make_user(), make_user()
    grant(editor, world.id, "editor")
    grant(coordinator, world.id, "coordinator")
    act = world.activity(0)["id"]
    paths = [
        f"/activities/{act}/answers",
        f"/activities/{act}/answers/{world.ids['r1']}",
        "/summary/activities",
        "/review/activities?createdDate=2024-05-20",
        "/dates",
    ]
    with unchanged():
        for user in (stranger, world.respondent, editor, coordinator):
            for path in paths:
                response = call(client, "GET", f"/answers/applet/{world.id}{path}", user=user)
                assert response.status_code == 403, (path, user)
                assert response.json() == VIEW_DENIED
        missing = uuid.uuid4()
        response = call(client, "GET", f"/answers/applet/{missing}/dates", user=world.owner)
        assert response.status_code == 404
        assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")


def test_one_answer_with_its_activity_and_summary(client, world, owner):
    act = world.activity(0)
    body = answer_body(world, activity_index=0, createdAt=DAY + 5 * HOUR)
    body["answer"]["identifier"] = encrypt("case-7", b"k" * 32)
    assert submit(client, body, world.respondent).status_code == 201
    answer = Answer.objects.get(submit_id=body["submitId"])
    response = get(client, world, f"/activities/{act['id']}/answers/{answer.pk}", owner)
    assert response.status_code == 200
    result = response.json()["result"]
    rita = world.subject_of(world.respondent)
    assert result["answer"] == {
        "id": str(answer.pk),
        "submitId": body["submitId"],
        "version": "1.1.0",
        "activityHistoryId": f"{act['id']}_1.1.0",
        "activityId": act["id"],
        "flowHistoryId": None,
        "userPublicKey": body["answer"]["userPublicKey"],
        "answer": body["answer"]["answer"],
        "events": body["answer"]["events"],
        "itemIds": body["answer"]["itemIds"],
        "identifier": body["answer"]["identifier"],
        "startDatetime": "2024-05-20T10:13:20",
        "endDatetime": "2024-05-20T10:14:20",
        "createdAt": "2024-05-20T05:00:00",
        "sourceSubject": {
            "id": str(rita.pk),
            "secretUserId": rita.secret_user_id,
            "nickname": rita.nickname,
            "tag": rita.tag,
        },
    }
    assert result["summary"] == {
        "endDatetime": "2024-05-20T10:14:20",
        "createdAt": "2024-05-20T05:00:00",
        "version": "1.1.0",
        "identifier": {
            "identifier": body["answer"]["identifier"],
            "userPublicKey": body["answer"]["userPublicKey"],
            "lastAnswerDate": "2024-05-20T05:00:00",
        },
    }
    activity = result["activity"]
    assert (activity["id"], activity["idVersion"], activity["name"]) == (
        act["id"],
        f"{act['id']}_1.1.0",
        "Morning",
    )
    assert [i["name"] for i in activity["items"]] == ["mood"]
    plain = get(client, world, f"/activities/{act['id']}/answers/{world.ids['r1']}", owner)
    assert plain.json()["result"]["summary"]["identifier"] is None
    for wrong in (uuid.uuid4(), world.ids["r3"]):  # unknown, or of another activity
        response = get(client, world, f"/activities/{act['id']}/answers/{wrong}", owner)
        assert response.status_code == 404
        assert response.json() == error("Answer not found.", "NOT_FOUND")


def test_summary_lists_current_and_answered_deleted_activities(client, world, owner):
    first, second = world.activity(0), world.activity(1)
    response = get(
        client, world, "/summary/activities", owner, targetSubjectId=subject(world, "bob")
    )
    assert response.json() == {
        "result": [
            {
                "id": first["id"],
                "name": "Morning",
                "isPerformanceTask": False,
                "hasAnswer": True,
                "lastAnswerDate": "2024-05-20T03:00:00",
            },
            {
                "id": second["id"],
                "name": "Evening",
                "isPerformanceTask": False,
                "hasAnswer": False,
                "lastAnswerDate": None,
            },
        ],
        "count": 2,
    }
    # "Evening" goes in a new version; answered, it stays in the summary under its last name.
    update = update_body(world.applet)
    update["activities"] = update["activities"][:1]
    update["activityFlows"] = []
    assert call(client, "PUT", f"/applets/{world.id}", update, user=owner).status_code == 200
    rows = get(client, world, "/summary/activities", owner).json()["result"]
    assert [(r["name"], r["hasAnswer"], r["lastAnswerDate"]) for r in rows] == [
        ("Morning", True, "2024-05-20T03:00:00"),
        ("Evening", True, "2024-05-21T02:00:00"),
    ]
    by_respondent = get(
        client, world, "/summary/activities", owner, respondentId=world.users["bob"].public_id
    ).json()["result"]
    assert [r["name"] for r in by_respondent] == ["Morning"]


def test_review_activities_and_dates(client, world, owner):
    rita = subject(world, "rita")
    response = get(
        client, world, "/review/activities", owner, targetSubjectId=rita, createdDate="2024-05-20"
    )
    assert response.status_code == 200
    assert response.json() == {
        "result": [
            {
                "id": world.activity(0)["id"],
                "name": "Morning",
                "answerDates": [
                    {
                        "answerId": world.ids["r1"],
                        "createdAt": "2024-05-20T01:00:00",
                        "endDatetime": "2024-05-20T10:14:20",
                    },
                    {
                        "answerId": world.ids["r2"],
                        "createdAt": "2024-05-20T02:00:00",
                        "endDatetime": "2024-05-20T10:14:20",
                    },
                ],
                "lastAnswerDate": "2024-05-20T02:00:00",
            },
            {
                "id": world.activity(1)["id"],
                "name": "Evening",
                "answerDates": [],
                "lastAnswerDate": None,
            },
        ],
        "count": 2,
    }
    dates = get(
        client,
        world,
        "/dates",
        owner,
        targetSubjectId=rita,
        fromDate="2024-05-01",
        toDate="2024-05-31",
    )
    assert dates.json() == {"result": {"dates": ["2024-05-20", "2024-05-21"]}}
    narrow = get(client, world, "/dates", owner, targetSubjectId=rita, fromDate="2024-05-21")
    assert narrow.json() == {"result": {"dates": ["2024-05-21"]}}
    reviewer = world.users["reviewer"]
    assert get(client, world, "/dates", reviewer, targetSubjectId=rita).json() == dates.json()
