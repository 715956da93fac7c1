"""Spec §3 "at rest" and decision 3: subjects' and invitations' personal data are Fernet tokens
in the database, found by an email HMAC, searched by name in Python within an applet, and
re-sealed under a new key by ``assessments_rotate_pii``."""

import hashlib
import hmac
import importlib
import io
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from modules.assessments import pii
from modules.assessments.models import Invitation, Subject
from tests.assessments.conftest import applet_body, call, create_applet
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

OTHER, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
PERSONAL = ("email", "first_name", "last_name", "nickname")


@pytest.fixture
def mood(client, owner):
    return create_applet(client, owner)


def raw(table, pk):
    """The stored values, as the database holds them (no field conversion)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT email, first_name, last_name, nickname, email_hash FROM {table} WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cursor.fetchone()


def make_subject(applet, **fields):
    values = {
        "secret_user_id": "S-1",
        "email": "Liam@Example.com",
        "first_name": "Liam",
        "last_name": "Limited",
        "nickname": "little liam",
    }
    values.update(fields)
    return Subject.objects.create(applet_id=applet["id"], **values)


def test_personal_data_reaches_the_database_sealed(client, owner, mood):
    response = call(
        client,
        "POST",
        f"/invitations/{mood['id']}/respondent",
        {
            "email": "rita@example.com",
            "firstName": "Rita",
            "lastName": "Respondent",
            "language": "en",
            "secretUserId": "R-1",
            "nickname": "ritz",
        },
        user=owner,
    )
    assert response.status_code == 200
    box = Fernet(settings.ASSESSMENTS_ENCRYPTION_KEYS[0].encode())
    invitation = Invitation.objects.get()
    subject = Subject.objects.get(secret_user_id="R-1")
    for table, pk in (
        ("assessments_invitation", invitation.pk),
        ("assessments_subject", subject.pk),
    ):
        email, first, last, nickname, hashed = raw(table, pk)
        stored = [email, first, last, nickname]
        assert all(value.startswith("gAAAAA") for value in stored), stored
        for plain in ("rita@example.com", "Rita", "Respondent", "ritz"):
            assert not any(plain in value for value in stored)
        opened = [box.decrypt(value.encode()).decode() for value in stored]
        assert opened == ["rita@example.com", "Rita", "Respondent", "ritz"]
        key = settings.ASSESSMENTS_EMAIL_HASH_KEY.encode()
        assert hashed == hmac.new(key, b"rita@example.com", hashlib.sha256).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM assessments_subject")
        assert "rita@example.com" not in str(cursor.fetchall())
    # The ORM opens them again.
    assert (invitation.email, subject.first_name, subject.nickname) == (
        "rita@example.com",
        "Rita",
        "ritz",
    )


def test_empty_values_stay_empty(mood):
    subject = make_subject(mood, email="", nickname="")
    email, _, _, nickname, hashed = raw("assessments_subject", subject.pk)
    assert (email, nickname, hashed) == ("", "", "")


def test_lookup_by_email_hash_ignores_case(mood):
    subject = make_subject(mood)
    assert subject.email_hash == pii.email_hash("liam@example.com")
    found = Subject.objects.filter(email_hash=pii.email_hash("LIAM@EXAMPLE.COM"))
    assert list(found) == [subject]
    # Tokens differ on every write: the sealed column itself matches nothing.
    assert not Subject.objects.filter(email="Liam@Example.com").exists()


def test_an_invitation_is_found_by_the_email_of_whoever_reads_it(client, owner, mood):
    invitation = Invitation.objects.create(
        applet_id=mood["id"], email="Mixed.Case@Example.com", role="respondent"
    )
    reader = make_user(email="mixed.case@example.com")
    response = call(client, "GET", f"/invitations/{invitation.key}", user=reader)
    assert response.status_code == 200
    assert response.json()["result"]["email"] == "Mixed.Case@Example.com"


def test_name_search_is_scoped_to_the_applet_then_done_in_python(client, owner, mood):
    sleep = create_applet(client, owner, applet_body(name="Sleep"))
    mine = make_subject(mood, first_name="Zoë", last_name="Zeta", nickname="")
    make_subject(sleep, first_name="Zoë", last_name="Zeta", nickname="")
    make_subject(mood, secret_user_id="S-2", first_name="Adam", last_name="Alpha", nickname="")
    url = f"/workspaces/{owner.public_id}/applets/{mood['id']}/respondents"
    for term in ("zoË", "ZET", "s-1"):
        body = call(client, "GET", f"{url}?search={term}", user=owner).json()
        assert [row["details"][0]["subjectId"] for row in body["result"]] == [str(mine.pk)], term
        assert body["count"] == 1


def test_rotation_reseals_old_rows_under_the_new_key(mood):
    # Rows (the owner's own subject too) are written under the key in force, then a new key
    # goes first.
    current = settings.ASSESSMENTS_ENCRYPTION_KEYS[0]
    subject = make_subject(mood)
    invitation = Invitation.objects.create(
        applet_id=mood["id"], email="ivy@example.com", first_name="Ivy", role="reviewer"
    )
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[NEW, current]):
        # Both keys open: rows under the old one still read.
        assert Subject.objects.get(pk=subject.pk).first_name == "Liam"
        out = io.StringIO()
        call_command("assessments_rotate_pii", "--batch", "1", stdout=out)
    assert out.getvalue() == (
        "assessments.Subject: 2 rows, 2 rewritten, 0 values no configured key opens\n"
        "assessments.Invitation: 1 rows, 1 rewritten, 0 values no configured key opens\n"
    )
    new, old = Fernet(NEW.encode()), Fernet(current.encode())
    stored = raw("assessments_subject", subject.pk)
    assert [new.decrypt(v.encode()).decode() for v in stored[:4]] == [
        "Liam@Example.com",
        "Liam",
        "Limited",
        "little liam",
    ]
    with pytest.raises(InvalidToken):
        old.decrypt(stored[0].encode())
    assert new.decrypt(raw("assessments_invitation", invitation.pk)[0].encode()) == (
        b"ivy@example.com"
    )
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[NEW]):
        # The old key can go now.
        again = Subject.objects.get(pk=subject.pk)
        assert (again.email, again.nickname) == ("Liam@Example.com", "little liam")
        assert Invitation.objects.get(pk=invitation.pk).first_name == "Ivy"
        assert Subject.objects.filter(email_hash=pii.email_hash("liam@example.com")).exists()


def test_rotation_refuses_values_no_key_opens_and_leaves_them(mood):
    subject = make_subject(mood)
    before = raw("assessments_subject", subject.pk)
    # Four values of this subject and four of the owner's own.
    with (
        override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[NEW]),
        pytest.raises(CommandError, match="8 values open with none of"),
    ):
        call_command("assessments_rotate_pii", stdout=io.StringIO())
    assert raw("assessments_subject", subject.pk) == before


def test_rotation_repairs_the_hashes_after_a_hash_key_change(mood):
    subject = make_subject(mood)
    with override_settings(ASSESSMENTS_EMAIL_HASH_KEY="another-hash-key"):
        call_command("assessments_rotate_pii", stdout=io.StringIO())
        assert Subject.objects.filter(email_hash=pii.email_hash("liam@example.com")).get() == (
            subject
        )


def test_a_bad_batch_size_is_refused():
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        call_command("assessments_rotate_pii", "--batch", "0")


def test_rows_written_in_the_clear_are_sealed_when_sealing_turns_on(mood):
    with override_settings(ASSESSMENTS_ENCRYPT_PII=False):
        subject = make_subject(mood)
        assert raw("assessments_subject", subject.pk)[:4] == (
            "Liam@Example.com",
            "Liam",
            "Limited",
            "little liam",
        )
        assert Subject.objects.get(pk=subject.pk).first_name == "Liam"
    call_command("assessments_rotate_pii", stdout=io.StringIO())
    stored = raw("assessments_subject", subject.pk)
    assert all(value.startswith("gAAAAA") for value in stored[:4])
    assert Subject.objects.get(pk=subject.pk).email == "Liam@Example.com"


def test_the_migration_seals_rows_it_finds_in_the_clear(mood):
    with override_settings(ASSESSMENTS_ENCRYPT_PII=False):
        subject = make_subject(mood)
    migration = importlib.import_module("modules.assessments.migrations.0002_pii_at_rest")
    migration.seal_existing(apps, SimpleNamespace(connection=connection))
    box = Fernet(settings.ASSESSMENTS_ENCRYPTION_KEYS[0].encode())
    assert box.decrypt(raw("assessments_subject", subject.pk)[1].encode()) == b"Liam"


def test_the_keys_in_force():
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[f" {NEW} ", OTHER]):
        assert pii.configured_keys() == (NEW, OTHER)
        assert pii.check_keys() == []
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[], DEBUG=True, SECRET_KEY="s" * 50):
        [derived] = pii.configured_keys()
        Fernet(derived.encode())  # a valid key, the same for the same SECRET_KEY
        assert pii.configured_keys() == (derived,)
        assert pii.check_keys() == []


def test_no_keys_outside_debug_is_a_configuration_error(mood):
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[], DEBUG=False):
        [problem] = pii.check_keys()
        assert problem.id == "assessments.E001"
        with (
            pytest.raises(ImproperlyConfigured, match="ASSESSMENTS_ENCRYPTION_KEYS is empty"),
            transaction.atomic(),
        ):
            make_subject(mood)
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=[], ASSESSMENTS_ENCRYPT_PII=False):
        assert pii.check_keys() == []
    with override_settings(ASSESSMENTS_ENCRYPTION_KEYS=["not-a-key"]):
        assert pii.check_keys()[0].id == "assessments.E002"
    assert not Subject.objects.filter(secret_user_id="S-1").exists()


def test_the_admin_shows_the_opened_values_and_finds_rows_by_email(client, mood):
    subject = make_subject(mood)
    make_subject(mood, secret_user_id="S-2", email="nobody@example.com", first_name="Ned")
    invitation = Invitation.objects.create(
        applet_id=mood["id"], email="ivy@example.com", first_name="Ivy", role="reviewer"
    )
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    listing = client.get("/admin/assessments/subject/", {"q": "LIAM@example.com"}).content.decode()
    assert "Liam@Example.com" in listing and "little liam" in listing
    assert "Ned" not in listing and "gAAAAA" not in listing
    page = client.get(f"/admin/assessments/subject/{subject.pk}/change/").content.decode()
    assert "Limited" in page and "gAAAAA" not in page
    page = client.get(f"/admin/assessments/invitation/{invitation.pk}/change/").content.decode()
    assert "ivy@example.com" in page and "gAAAAA" not in page
    found = client.get("/admin/assessments/invitation/", {"q": "IVY@example.com"})
    assert "ivy@example.com" in found.content.decode()
