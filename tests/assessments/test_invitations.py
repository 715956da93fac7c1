"""Spec §12 (#32-#38): invitations sent by inviters, read, accepted and declined by the person
they were sent to; mail through the outbox in en, fr and el."""

import json
import uuid

import pytest
from django.test import Client

from core import jobs
from core.mail.services import OUTBOX_QUEUE
from core.models import OutboxEmail
from modules.assessments.models import Invitation, Subject, UserAppletAccess, Workspace
from modules.assessments.pii import email_hash
from tests.assessments.conftest import call, create_applet, error, grant
from tests.conftest import bearer, make_user
from tests.support import wait_for

pytestmark = pytest.mark.django_db

INVITES_DENIED = "Access denied to manipulate with invites of the applet."
LINK = "http://localhost:3000/invite?key="


@pytest.fixture
def mood(client, owner):
    return create_applet(client, owner)


def respondent_body(email="rita@example.com", **changes):
    body = {
        "email": email,
        "firstName": "Rita",
        "lastName": "Respondent",
        "language": "en",
        "secretUserId": "R-1",
        "nickname": "rita",
        "tag": "Child",
    }
    body.update(changes)
    return body


def team_body(email="tom@example.com", **changes):
    body = {"email": email, "firstName": "Tom", "lastName": "Team", "language": "en"}
    body.update(changes)
    return body


def invite(client, user, applet, kind, body):
    return call(client, "POST", f"/invitations/{applet['id']}/{kind}", body, user=user)


def live_roles(user, applet):
    return set(
        UserAppletAccess.objects.filter(
            user=user, applet_id=applet["id"], is_deleted=False
        ).values_list("role", flat=True)
    )


def test_inviting_a_respondent_makes_a_limited_subject_and_mails_a_new_account(client, owner, mood):
    response = invite(client, owner, mood, "respondent", respondent_body())
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    subject = Subject.objects.get(secret_user_id="R-1")
    assert response.json() == {
        "result": {
            "id": str(invitation.pk),
            "appletId": mood["id"],
            "appletName": "Mood",
            "key": str(invitation.key),
            "status": "pending",
            "firstName": "Rita",
            "lastName": "Respondent",
            "userId": None,
            "tag": "Child",
            "secretUserId": "R-1",
            "nickname": "rita",
            "role": "respondent",
        }
    }
    assert (subject.user_id, subject.email, subject.creator_id, subject.tag) == (
        None,
        "rita@example.com",
        owner.pk,
        "Child",
    )
    assert (invitation.subject_id, invitation.invitor_id, invitation.user_id) == (
        subject.pk,
        owner.pk,
        None,
    )
    assert invitation.email_hash == email_hash("RITA@example.com")
    assert invitation.meta == {"subjectId": str(subject.pk), "secretUserId": "R-1"}
    [mail] = OutboxEmail.objects.all()
    assert (mail.to, mail.subject) == (["rita@example.com"], "Mood invitation")
    link = f"{LINK}{invitation.key}"
    assert mail.text == (
        "Hello Rita,\n\nOlivia Owner invited you to join “Mood” on MindLogger as a respondent.\n"
        "You do not have a MindLogger account yet. Open this link, create an account with this "
        "email address (rita@example.com) and accept the invitation:\n\n"
        f"{link}\n\nIf you did not expect this invitation, ignore this email.\n"
    )
    assert f'<a href="{link}">' in mail.html and '<html lang="en">' in mail.html


@pytest.mark.parametrize(
    ("language", "words", "lang"),
    [
        ("fr", "Connectez-vous avec votre compte MindLogger", "fr"),
        ("el", "Συνδεθείτε με τον λογαριασμό σας στο MindLogger", "el"),
        ("de", "Sign in with your MindLogger account", "en"),
    ],
)
def test_an_existing_account_gets_the_existing_account_mail_in_its_language(
    client, owner, mood, language, words, lang
):
    rita = make_user(email="rita@example.com")
    response = invite(client, owner, mood, "respondent", respondent_body(language=language))
    assert response.status_code == 200
    assert response.json()["result"]["userId"] == str(rita.public_id)
    invitation = Invitation.objects.get()
    assert (invitation.user_id, invitation.language) == (rita.pk, language)
    [mail] = OutboxEmail.objects.all()
    assert mail.subject == "Mood invitation"
    assert words in mail.text and f"{LINK}{invitation.key}" in mail.text
    assert f'<html lang="{lang}">' in mail.html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "pas encore de compte MindLogger."),
        ("el", "Δεν έχετε ακόμη λογαριασμό MindLogger."),
    ],
)
def test_a_new_account_mail_in_french_and_greek(client, owner, mood, language, words):
    response = invite(client, owner, mood, "reviewer", team_body(language=language, subjects=[]))
    assert response.status_code == 200
    [mail] = OutboxEmail.objects.all()
    assert words in mail.text
    assert f"{LINK}{Invitation.objects.get().key}" in mail.text


def test_inviting_again_replaces_the_pending_invitation(client, owner, mood):
    first = invite(client, owner, mood, "respondent", respondent_body()).json()["result"]
    again = invite(
        client, owner, mood, "respondent", respondent_body(email="Rita@Example.com", nickname="R")
    )
    assert again.status_code == 200
    second = again.json()["result"]
    assert second["key"] != first["key"]
    [invitation] = Invitation.objects.all()
    assert str(invitation.key) == second["key"]
    [subject] = Subject.objects.filter(secret_user_id="R-1")
    assert subject.nickname == "R"
    assert OutboxEmail.objects.count() == 2


def test_a_respondent_already_there_is_refused(client, owner, mood, unchanged):
    rita = make_user(email="rita@example.com")
    grant(rita, mood["id"], "respondent")
    with unchanged():
        response = invite(client, owner, mood, "respondent", respondent_body())
    assert response.status_code == 422
    assert response.json() == error("Respondent already invited.", "INVALID_VALUE", ["body"])


def test_a_secret_id_of_another_subject_is_refused(client, owner, mood, unchanged):
    Subject.objects.create(applet_id=mood["id"], secret_user_id="R-1", email="else@example.com")
    with unchanged():
        response = invite(client, owner, mood, "respondent", respondent_body())
    assert response.status_code == 422
    assert response.json() == error("Non-unique value.", "INVALID_VALUE", ["body", "secretUserId"])


def test_a_limited_subject_without_email_is_invited_under_its_secret_id(client, owner, mood):
    limited = Subject.objects.create(applet_id=mood["id"], secret_user_id="R-1")
    response = invite(client, owner, mood, "respondent", respondent_body())
    assert response.status_code == 200
    limited.refresh_from_db()
    assert (limited.email, limited.first_name) == ("rita@example.com", "Rita")
    assert Invitation.objects.get().subject_id == limited.pk


@pytest.mark.parametrize("kind", ["respondent", "reviewer", "managers"])
@pytest.mark.parametrize("role", ["editor", "reviewer", "respondent"])
def test_only_inviters_send_invitations(client, owner, mood, unchanged, kind, role):
    caller = make_user()
    grant(caller, mood["id"], role)
    body = {
        "respondent": respondent_body(),
        "reviewer": team_body(subjects=[]),
        "managers": team_body(role="editor"),
    }[kind]
    with unchanged():
        response = invite(client, caller, mood, kind, body)
    assert response.status_code == 403
    assert response.json() == error(INVITES_DENIED, "ACCESS_DENIED")


def test_a_missing_applet_is_404(client, owner, unchanged):
    missing = str(uuid.uuid4())
    with unchanged():
        response = call(
            client, "POST", f"/invitations/{missing}/respondent", respondent_body(), user=owner
        )
    assert response.status_code == 404
    assert response.json() == error(f"No such applets with id={missing}.", "NOT_FOUND")


def test_a_bad_email_is_a_schema_error(client, owner, mood, unchanged):
    with unchanged():
        response = invite(client, owner, mood, "respondent", respondent_body(email="nope"))
    assert response.status_code == 422
    [entry] = response.json()["result"]
    assert (entry["type"], entry["path"]) == ("UNDEFINED", ["body", "email"])


@pytest.mark.parametrize("language", [None, "x" * 17])
def test_the_mail_language_is_required_and_short(client, owner, mood, unchanged, language):
    body = respondent_body(language=language)
    if language is None:
        del body["language"]
    with unchanged():
        response = invite(client, owner, mood, "respondent", body)
    assert response.status_code == 422
    [entry] = response.json()["result"]
    assert (entry["type"], entry["path"]) == ("UNDEFINED", ["body", "language"])


def test_a_coordinator_invites_respondents_and_reviewers(client, owner, mood):
    coordinator = make_user()
    grant(coordinator, mood["id"], "coordinator")
    assert invite(client, coordinator, mood, "respondent", respondent_body()).status_code == 200
    response = invite(client, coordinator, mood, "reviewer", team_body(subjects=[]))
    assert response.status_code == 200


def test_inviting_a_reviewer_of_some_subjects(client, owner, mood):
    subject = Subject.objects.get(applet_id=mood["id"], user=owner)
    tom = make_user(email="tom@example.com")
    body = team_body(subjects=[str(subject.pk)], title="Dr", workspacePrefix="Clinic")
    response = invite(client, owner, mood, "reviewer", body)
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert response.json() == {
        "result": {
            "id": str(invitation.pk),
            "email": "tom@example.com",
            "appletId": mood["id"],
            "appletName": "Mood",
            "role": "reviewer",
            "status": "pending",
            "firstName": "Tom",
            "lastName": "Team",
            "key": str(invitation.key),
            "subjects": [str(subject.pk)],
            "userId": str(tom.public_id),
            "tag": "Team",
            "title": "Dr",
        }
    }
    assert invitation.meta == {"subjects": [str(subject.pk)]}
    workspace = Workspace.objects.get(owner=owner)
    assert (workspace.name, workspace.is_modified) == ("Clinic", True)


def test_team_invitations_keep_the_legacy_key_order(client, owner, mood):
    """#33 puts ``subjects`` right after ``key``; #34 is #33 without it."""
    subject = Subject.objects.get(applet_id=mood["id"], user=owner)
    response = invite(client, owner, mood, "reviewer", team_body(subjects=[str(subject.pk)]))
    assert response.status_code == 200
    assert list(response.json()["result"]) == [
        *("id", "email", "appletId", "appletName", "role", "status", "firstName", "lastName"),
        *("key", "subjects", "userId", "tag", "title"),
    ]
    body = team_body(email="max@example.com", role="editor")
    response = invite(client, owner, mood, "managers", body)
    assert response.status_code == 200
    assert list(response.json()["result"]) == [
        *("id", "email", "appletId", "appletName", "role", "status", "firstName", "lastName"),
        *("key", "userId", "tag", "title"),
    ]


def test_a_reviewer_of_a_subject_elsewhere_is_refused(client, owner, mood, unchanged):
    other = create_applet(client, owner, {**_other_body()})
    foreign = Subject.objects.get(applet_id=other["id"], user=owner)
    with unchanged():
        response = invite(client, owner, mood, "reviewer", team_body(subjects=[str(foreign.pk)]))
    assert response.status_code == 400
    assert response.json() == error("Subject does not exist in applet.", "BAD_REQUEST")


def _other_body():
    from tests.assessments.conftest import applet_body

    return applet_body(name="Sleep")


def test_a_reviewer_already_there_is_refused(client, owner, mood, unchanged):
    tom = make_user(email="tom@example.com")
    grant(tom, mood["id"], "reviewer", meta={"subjects": []})
    with unchanged():
        response = invite(client, owner, mood, "reviewer", team_body(subjects=[]))
    assert response.status_code == 422
    assert response.json() == error(
        "User already invited. Edit their access in the Managers tab.", "INVALID_VALUE", ["body"]
    )


def test_inviting_a_manager(client, owner, mood):
    response = invite(client, owner, mood, "managers", team_body(role="manager", title="Lead"))
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert response.json() == {
        "result": {
            "id": str(invitation.pk),
            "email": "tom@example.com",
            "appletId": mood["id"],
            "appletName": "Mood",
            "role": "manager",
            "status": "pending",
            "firstName": "Tom",
            "lastName": "Team",
            "key": str(invitation.key),
            "userId": None,
            "tag": "Team",
            "title": "Lead",
        }
    }
    assert "a manager" in OutboxEmail.objects.get().text


def test_only_organizers_invite_the_team(client, owner, mood, unchanged):
    coordinator = make_user()
    grant(coordinator, mood["id"], "coordinator")
    with unchanged():
        response = invite(client, coordinator, mood, "managers", team_body(role="editor"))
    assert response.status_code == 403
    assert response.json() == error("You do not have access to send invitation.", "ACCESS_DENIED")


def test_a_role_already_held_is_refused(client, owner, mood, unchanged):
    tom = make_user(email="tom@example.com")
    grant(tom, mood["id"], "editor")
    with unchanged():
        response = invite(client, owner, mood, "managers", team_body(role="editor"))
    assert response.status_code == 422
    assert response.json() == error(
        "User already invited. Edit their access in the Managers tab.", "INVALID_VALUE", ["body"]
    )


def test_a_role_outside_the_three_is_a_schema_error(client, owner, mood, unchanged):
    with unchanged():
        response = invite(client, owner, mood, "managers", team_body(role="owner"))
    assert response.status_code == 422
    assert response.json()["result"][0]["path"] == ["body", "role"]


def test_the_workspace_is_renamed_once(client, owner, mood):
    invite(client, owner, mood, "managers", team_body(role="editor", workspacePrefix="First"))
    invite(
        client,
        owner,
        mood,
        "managers",
        team_body(email="eve@example.com", role="editor", workspacePrefix="Second"),
    )
    assert Workspace.objects.get(owner=owner).name == "First"


def test_listing_the_pending_invitations_you_sent(client, owner, mood):
    manager = make_user()
    grant(manager, mood["id"], "manager")
    invite(client, owner, mood, "respondent", respondent_body())
    invite(client, owner, mood, "managers", team_body(role="editor"))
    invite(client, manager, mood, "managers", team_body(email="eve@example.com", role="editor"))
    response = call(client, "GET", "/invitations?ordering=createdAt", user=owner)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["result"][0]
    invitation = Invitation.objects.get(role="respondent")
    assert first == {
        "email": "rita@example.com",
        "appletId": mood["id"],
        "appletName": "Mood",
        "role": "respondent",
        "key": str(invitation.key),
        "status": "pending",
        "firstName": "Rita",
        "lastName": "Respondent",
        "createdAt": invitation.created_at.replace(tzinfo=None).isoformat(timespec="microseconds"),
        "meta": {"subjectId": str(invitation.subject_id), "secretUserId": "R-1"},
        "nickname": "rita",
        "secretUserId": "R-1",
        "tag": "Child",
        "title": None,
    }
    assert [row["role"] for row in body["result"]] == ["respondent", "editor"]
    by_role = call(client, "GET", "/invitations?role=editor", user=owner).json()
    assert [row["email"] for row in by_role["result"]] == ["tom@example.com"]
    by_name = call(client, "GET", "/invitations?search=RITA", user=owner).json()
    assert [row["email"] for row in by_name["result"]] == ["rita@example.com"]
    by_email = call(client, "GET", "/invitations?search=tom@", user=owner).json()
    assert [row["email"] for row in by_email["result"]] == ["tom@example.com"]
    by_applet = call(client, "GET", f"/invitations?appletId={mood['id']}&limit=1", user=owner)
    assert (by_applet.json()["count"], len(by_applet.json()["result"])) == (2, 1)


def test_listing_by_applet_needs_an_inviter_role(client, owner, mood):
    editor = make_user()
    grant(editor, mood["id"], "editor")
    response = call(client, "GET", f"/invitations?appletId={mood['id']}", user=editor)
    assert response.status_code == 403
    assert response.json() == error(INVITES_DENIED, "ACCESS_DENIED")
    assert call(client, "GET", "/invitations", user=editor).json() == {"result": [], "count": 0}


def _sent(client, owner, mood, kind="respondent", body=None):
    invite(client, owner, mood, kind, body or respondent_body())
    return Invitation.objects.get(status="pending")


def test_reading_an_invitation_sent_to_you(client, owner, mood):
    invitation = _sent(client, owner, mood)
    rita = make_user(email="Rita@example.com")
    response = call(client, "GET", f"/invitations/{invitation.key}", user=rita)
    assert response.status_code == 200
    result = response.json()["result"]
    assert (result["key"], result["email"], result["status"]) == (
        str(invitation.key),
        "rita@example.com",
        "pending",
    )


def test_an_invitation_to_someone_else_does_not_exist(client, owner, mood, stranger):
    invitation = _sent(client, owner, mood)
    for key in (invitation.key, uuid.uuid4()):
        response = call(client, "GET", f"/invitations/{key}", user=stranger)
        assert response.status_code == 404
        assert response.json() == error("Invitation does not exist.", "NOT_FOUND")
        response = call(client, "POST", f"/invitations/{key}/accept", user=stranger)
        assert response.status_code == 404
        response = call(client, "DELETE", f"/invitations/{key}/decline", user=stranger)
        assert response.status_code == 404
    assert Invitation.objects.get().status == "pending"


def test_accepting_a_respondent_invitation_gives_the_subject_your_account(client, owner, mood):
    invitation = _sent(client, owner, mood)
    rita = make_user(email="rita@example.com")
    response = call(client, "POST", f"/invitations/{invitation.key}/accept", user=rita)
    assert (response.status_code, response.content) == (200, b"null")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user_id) == ("approved", rita.pk)
    assert invitation.accepted_at is not None
    subject = Subject.objects.get(pk=invitation.subject_id)
    assert (subject.user_id, subject.email, subject.is_deleted) == (
        rita.pk,
        "rita@example.com",
        False,
    )
    access = UserAppletAccess.objects.get(user=rita, applet_id=mood["id"])
    assert (access.role, access.meta) == (
        "respondent",
        {"subjectId": str(subject.pk), "secretUserId": "R-1"},
    )
    for method, path in (
        ("GET", ""),
        ("POST", "/accept"),
        ("DELETE", "/decline"),
    ):
        again = call(client, method, f"/invitations/{invitation.key}{path}", user=rita)
        assert again.status_code == 400
        assert again.json() == error("Invitation has been already processed.", "BAD_REQUEST")


def test_your_live_subject_wins_over_the_invitations(client, owner, mood):
    rita = make_user(email="rita@example.com")
    grant(rita, mood["id"], "editor")
    own = Subject.objects.create(applet_id=mood["id"], user=rita, secret_user_id="TEAM-R")
    invitation = _sent(client, owner, mood)
    response = call(client, "POST", f"/invitations/{invitation.key}/accept", user=rita)
    assert response.status_code == 200
    assert Subject.objects.get(pk=invitation.subject_id).is_deleted is True
    access = UserAppletAccess.objects.get(user=rita, applet_id=mood["id"], role="respondent")
    assert access.meta == {"subjectId": str(own.pk), "secretUserId": "TEAM-R"}


def test_accepting_a_reviewer_invitation(client, owner, mood):
    subject = Subject.objects.get(applet_id=mood["id"], user=owner)
    invitation = _sent(client, owner, mood, "reviewer", team_body(subjects=[str(subject.pk)]))
    tom = make_user(email="tom@example.com", first_name="Tom", last_name="Team")
    response = call(client, "POST", f"/invitations/{invitation.key}/accept", user=tom)
    assert response.status_code == 200
    reviewer = UserAppletAccess.objects.get(user=tom, applet_id=mood["id"], role="reviewer")
    assert reviewer.meta == {"subjects": [str(subject.pk)]}
    team_subject = Subject.objects.get(applet_id=mood["id"], user=tom)
    assert (team_subject.tag, team_subject.nickname) == ("Team", "Tom Team")
    respondent = UserAppletAccess.objects.get(user=tom, applet_id=mood["id"], role="respondent")
    assert respondent.meta["subjectId"] == str(team_subject.pk)


def test_a_manager_drops_the_roles_it_covers(client, owner, mood):
    tom = make_user(email="tom@example.com")
    for role in ("editor", "coordinator", "reviewer", "respondent"):
        grant(tom, mood["id"], role)
    invitation = _sent(client, owner, mood, "managers", team_body(role="manager"))
    assert (
        call(client, "POST", f"/invitations/{invitation.key}/accept", user=tom).status_code == 200
    )
    assert live_roles(tom, mood) == {"manager", "respondent"}


def test_a_role_a_manager_covers_is_skipped(client, owner, mood):
    tom = make_user(email="tom@example.com")
    grant(tom, mood["id"], "manager")
    invitation = _sent(client, owner, mood, "managers", team_body(role="editor"))
    assert (
        call(client, "POST", f"/invitations/{invitation.key}/accept", user=tom).status_code == 200
    )
    assert live_roles(tom, mood) == {"manager", "respondent"}
    invitation.refresh_from_db()
    assert invitation.status == "approved"


def test_declining(client, owner, mood):
    invitation = _sent(client, owner, mood)
    rita = make_user(email="rita@example.com")
    response = call(client, "DELETE", f"/invitations/{invitation.key}/decline", user=rita)
    assert (response.status_code, response.content) == (200, b"null")
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert live_roles(rita, mood) == set()
    accept = call(client, "POST", f"/invitations/{invitation.key}/accept", user=rita)
    assert accept.json() == error("Invitation has been already processed.", "BAD_REQUEST")


def test_a_bad_key_is_a_schema_error(client, owner):
    response = call(client, "GET", "/invitations/not-a-key", user=owner)
    assert response.status_code == 422
    assert response.json()["result"][0]["path"] == ["path", "key"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_invitation_mail_reaches_smtp_through_a_worker(huey_worker, smtp_sink):
    owner = make_user(email="olivia@example.com", first_name="Olivia", last_name="Owner")
    smtp_sink.start()
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    applet = create_applet(Client(), owner)
    response = Client().post(
        f"/api/assessments/invitations/{applet['id']}/respondent",
        json.dumps(respondent_body(language="fr")),
        content_type="application/json",
        **bearer(owner),
    )
    assert response.status_code == 200
    email = OutboxEmail.objects.get()
    jobs.enqueue(OUTBOX_QUEUE, email.pk)
    wait_for(lambda: OutboxEmail.objects.get().status == "sent", timeout=30)
    [message] = smtp_sink.messages
    assert message["Subject"] == "Mood invitation"
    assert message["To"] == "rita@example.com"
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Bonjour Rita" in text
    assert f"{LINK}{Invitation.objects.get().key}" in text
