"""Spec §12 (#39-#41): subjects made by inviters, read by them, a reviewer given them and their
own account, and deleted (softly, with their answers when asked)."""

import uuid
from datetime import UTC, datetime

import pytest

from modules.assessments.models import (
    ActivityHistory,
    Answer,
    AppletHistory,
    Invitation,
    Subject,
    UserAppletAccess,
)
from tests.assessments.conftest import call, create_applet, error, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

INVITES_DENIED = "Access denied to manipulate with invites of the applet."


@pytest.fixture
def mood(client, owner):
    return create_applet(client, owner)


def subject_body(applet, **changes):
    body = {
        "appletId": applet["id"],
        "language": "en",
        "firstName": "Liam",
        "lastName": "Limited",
        "secretUserId": "L-1",
        "nickname": "liam",
        "email": "Liam@Example.com",
        "tag": "Child",
    }
    body.update(changes)
    return body


def answer_about(applet, respondent, target, source=None, inputs=None, at=None):
    activity_id = applet["activities"][0]["id"]
    return Answer.objects.create(
        applet_id=applet["id"],
        version="1.1.0",
        submit_id=uuid.uuid4(),
        applet_history=AppletHistory.objects.get(id_version=f"{applet['id']}_1.1.0"),
        activity_history=ActivityHistory.objects.get(id_version=f"{activity_id}_1.1.0"),
        activity_id=activity_id,
        respondent=respondent,
        target_subject=target,
        source_subject=source or target,
        input_subject=inputs,
        created_at=at or datetime(2024, 5, 20, 10, 1, tzinfo=UTC),
    )


def test_creating_a_limited_subject(client, owner, mood):
    response = call(client, "POST", "/subjects", subject_body(mood), user=owner)
    assert response.status_code == 201
    subject = Subject.objects.get(secret_user_id="L-1")
    assert response.json() == {
        "result": {
            "id": str(subject.pk),
            "appletId": mood["id"],
            "email": "liam@example.com",
            "creatorId": str(owner.public_id),
            "userId": None,
            "language": "en",
            "firstName": "Liam",
            "lastName": "Limited",
            "secretUserId": "L-1",
            "nickname": "liam",
            "tag": "Child",
        }
    }
    assert (subject.user_id, subject.creator_id, subject.email) == (
        None,
        owner.pk,
        "liam@example.com",
    )


def test_a_subject_without_email_or_nickname(client, owner, mood):
    body = subject_body(mood, secretUserId="L-2")
    del body["email"], body["nickname"], body["tag"]
    response = call(client, "POST", "/subjects", body, user=owner)
    assert response.status_code == 201
    result = response.json()["result"]
    assert (result["email"], result["nickname"], result["tag"]) == (None, "", None)


def test_a_secret_id_in_use_is_refused(client, owner, mood, unchanged):
    Subject.objects.create(applet_id=mood["id"], secret_user_id="L-1")
    with unchanged():
        response = call(client, "POST", "/subjects", subject_body(mood), user=owner)
    assert response.status_code == 422
    assert response.json() == error("Non-unique value.", "INVALID_VALUE", ["body", "secretUserId"])


def test_an_email_already_a_respondent_is_refused(client, owner, mood, unchanged):
    Subject.objects.create(applet_id=mood["id"], secret_user_id="X", email="liam@example.com")
    with unchanged():
        response = call(client, "POST", "/subjects", subject_body(mood), user=owner)
    assert response.status_code == 422
    assert response.json() == error("Respondent already invited.", "INVALID_VALUE", ["body"])


@pytest.mark.parametrize("role", ["editor", "reviewer", "respondent"])
def test_only_inviters_make_subjects(client, owner, mood, unchanged, role):
    caller = make_user()
    grant(caller, mood["id"], role)
    with unchanged():
        response = call(client, "POST", "/subjects", subject_body(mood), user=caller)
    assert response.status_code == 403
    assert response.json() == error(INVITES_DENIED, "ACCESS_DENIED")


def test_a_subject_for_a_missing_applet(client, owner, unchanged):
    missing = str(uuid.uuid4())
    with unchanged():
        response = call(client, "POST", "/subjects", {**subject_body({"id": missing})}, user=owner)
    assert response.status_code == 404
    assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")


def test_a_missing_field_is_a_schema_error(client, owner, mood, unchanged):
    body = subject_body(mood)
    del body["secretUserId"]
    with unchanged():
        response = call(client, "POST", "/subjects", body, user=owner)
    assert response.status_code == 422
    assert response.json() == error("Field required", "UNDEFINED", ["body", "secretUserId"])


def _limited(applet, **fields):
    fields.setdefault("secret_user_id", "L-1")
    return Subject.objects.create(
        applet_id=applet["id"], first_name="Liam", last_name="Limited", nickname="liam", **fields
    )


def test_reading_a_subject_with_its_last_answer(client, owner, mood):
    subject = _limited(mood, tag="Child")
    answer_about(mood, owner, subject, at=datetime(2024, 5, 20, 10, 1, tzinfo=UTC))
    answer_about(mood, owner, subject, at=datetime(2024, 5, 21, 9, 0, 0, 123000, tzinfo=UTC))
    other = _limited(mood, secret_user_id="L-2")
    answer_about(mood, owner, other, source=subject, at=datetime(2024, 6, 1, tzinfo=UTC))
    response = call(client, "GET", f"/subjects/{subject.pk}", user=owner)
    assert response.status_code == 200
    assert response.json() == {
        "result": {
            "id": str(subject.pk),
            "secretUserId": "L-1",
            "nickname": "liam",
            "tag": "Child",
            "lastSeen": "2024-05-21T09:00:00.123000",
            "appletId": mood["id"],
            "userId": None,
            "firstName": "Liam",
            "lastName": "Limited",
        }
    }


def test_who_reads_a_subject(client, owner, mood):
    rita = make_user()
    access = grant(rita, mood["id"], "respondent")
    own = Subject.objects.get(pk=access.meta["subjectId"])
    given, other = _limited(mood), _limited(mood, secret_user_id="L-2")
    reviewer = make_user()
    grant(reviewer, mood["id"], "reviewer", meta={"subjects": [str(given.pk)]})
    coordinator = make_user()
    grant(coordinator, mood["id"], "coordinator")
    editor = make_user()
    grant(editor, mood["id"], "editor")
    mine = call(client, "GET", f"/subjects/{own.pk}", user=rita).json()["result"]
    assert (mine["userId"], mine["lastSeen"]) == (str(rita.public_id), None)
    assert call(client, "GET", f"/subjects/{given.pk}", user=reviewer).status_code == 200
    assert call(client, "GET", f"/subjects/{other.pk}", user=coordinator).status_code == 200
    for caller, subject in ((reviewer, other), (rita, given), (editor, given)):
        response = call(client, "GET", f"/subjects/{subject.pk}", user=caller)
        assert response.status_code == 403
        assert response.json() == error("Access denied.", "ACCESS_DENIED")


def test_a_missing_or_deleted_subject(client, owner, mood):
    deleted = _limited(mood, is_deleted=True)
    for subject_id in (deleted.pk, uuid.uuid4()):
        response = call(client, "GET", f"/subjects/{subject_id}", user=owner)
        assert response.status_code == 404
        assert response.json() == error(f"Subject with id {subject_id} not found", "NOT_FOUND")


def test_deleting_a_subject_keeps_its_answers_unless_asked(client, owner, mood):
    subject = _limited(mood)
    kept = answer_about(mood, owner, subject)
    response = call(
        client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": False}, user=owner
    )
    assert (response.status_code, response.content) == (200, b"null")
    subject.refresh_from_db()
    assert subject.is_deleted is True
    assert Answer.objects.filter(pk=kept.pk).exists()
    again = call(client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": True}, user=owner)
    assert again.status_code == 404


def test_deleting_a_subject_with_every_answer_naming_it(client, owner, mood):
    subject, other = _limited(mood), _limited(mood, secret_user_id="L-2")
    about = answer_about(mood, owner, subject)
    by = answer_about(mood, owner, other, source=subject)
    through = answer_about(mood, owner, other, source=other, inputs=subject)
    unrelated = answer_about(mood, owner, other)
    response = call(
        client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": True}, user=owner
    )
    assert response.status_code == 200
    assert not Answer.objects.filter(pk__in=[about.pk, by.pk, through.pk]).exists()
    assert Answer.objects.filter(pk=unrelated.pk).exists()


def test_the_subjects_account_loses_its_respondent_access_and_invitations(client, owner, mood):
    rita = make_user(email="rita@example.com")
    access = grant(rita, mood["id"], "respondent")
    grant(rita, mood["id"], "editor")
    subject = Subject.objects.get(pk=access.meta["subjectId"])
    subject.email = "rita@example.com"
    subject.save()
    pending = Invitation.objects.create(
        applet_id=mood["id"], email="rita@example.com", role="respondent", user=rita
    )
    elsewhere = Invitation.objects.create(
        applet_id=create_applet(client, owner, _sleep())["id"],
        email="rita@example.com",
        role="respondent",
    )
    response = call(
        client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": False}, user=owner
    )
    assert response.status_code == 200
    live = UserAppletAccess.objects.filter(user=rita, applet_id=mood["id"], is_deleted=False)
    assert set(live.values_list("role", flat=True)) == {"editor"}
    assert not Invitation.objects.filter(pk=pending.pk).exists()
    assert Invitation.objects.filter(pk=elsewhere.pk).exists()


def _sleep():
    from tests.assessments.conftest import applet_body

    return applet_body(name="Sleep")


@pytest.mark.parametrize("role", ["editor", "reviewer", "respondent"])
def test_only_owners_managers_and_coordinators_delete(client, owner, mood, unchanged, role):
    subject = _limited(mood)
    answer_about(mood, owner, subject)
    caller = make_user()
    grant(caller, mood["id"], role)
    with unchanged():
        response = call(
            client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": True}, user=caller
        )
    assert response.status_code == 403
    assert response.json() == error("Access denied to applet.", "ACCESS_DENIED")


def test_a_coordinator_deletes(client, owner, mood):
    subject = _limited(mood)
    coordinator = make_user()
    grant(coordinator, mood["id"], "coordinator")
    response = call(
        client, "DELETE", f"/subjects/{subject.pk}", {"deleteAnswers": False}, user=coordinator
    )
    assert response.status_code == 200


def test_delete_answers_is_required(client, owner, mood, unchanged):
    subject = _limited(mood)
    with unchanged():
        response = call(client, "DELETE", f"/subjects/{subject.pk}", {}, user=owner)
    assert response.status_code == 422
    assert response.json() == error("Field required", "UNDEFINED", ["body", "deleteAnswers"])
