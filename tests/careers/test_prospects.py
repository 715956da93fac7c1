"""Prospects (spec careers.md §4.5, §9.9): a public idempotent sign-up, staff-only reads."""

import pytest
from model_bakery import baker

from modules.careers.models import Prospect
from tests.careers.conftest import V1, careers_state, careers_user
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

FORBIDDEN = {"detail": "You do not have permission to perform this action."}
PROSPECTS = f"{V1}/prospect/"


@pytest.fixture
def staff():
    return make_user(is_staff=True)


def sign_up(client, body, **extra):
    return client.put(PROSPECTS, body, content_type="application/json", **extra)


def test_a_new_email_is_a_new_prospect(client):
    response = sign_up(client, {"name": "Alan Hicks", "email": "alan@example.com"})
    assert response.status_code == 201
    prospect = Prospect.objects.get()
    assert response.json() == {"id": prospect.pk, "name": "Alan Hicks", "email": "alan@example.com"}


def test_a_known_email_in_any_case_updates_the_name(client):
    prospect = Prospect.objects.create(name="Alan", email="alan@example.com")
    response = sign_up(client, {"name": "Alan Hicks", "email": "ALAN@Example.com"})
    assert response.status_code == 200
    assert response.json() == {"id": prospect.pk, "name": "Alan Hicks", "email": "alan@example.com"}
    assert Prospect.objects.count() == 1
    assert Prospect.objects.get().name == "Alan Hicks"


def test_form_bodies_sign_up_too(client):
    response = client.put(
        PROSPECTS,
        "name=Alan+Hicks&email=alan%40example.com",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["This field is required."], "email": ["This field is required."]}),
        (
            {"name": "", "email": "nope"},
            {"name": ["This field may not be blank."], "email": ["Enter a valid email address."]},
        ),
        (
            {"name": "n" * 101, "email": f"{'e' * 140}@example.com"},
            {
                "name": ["Ensure this field has no more than 100 characters."],
                "email": ["Ensure this field has no more than 150 characters."],
            },
        ),
    ],
)
def test_a_bad_sign_up_is_400_and_writes_nothing(client, body, errors):
    before = careers_state()
    response = sign_up(client, body)
    assert response.status_code == 400
    assert response.json() == errors
    assert careers_state() == before


def test_sign_ups_are_throttled_per_address(client, settings):
    settings.CAREERS_PROSPECT_RATE = "2/minute"
    for n in range(2):
        assert sign_up(client, {"name": "A", "email": f"a{n}@example.com"}).status_code == 201
    before = careers_state()
    refused = sign_up(client, {"name": "A", "email": "a9@example.com"})
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Request was throttled."}
    assert careers_state() == before


def test_the_default_rate_is_ten_a_minute(client, settings):
    assert settings.CAREERS_PROSPECT_RATE == "10/minute"
    statuses = [
        sign_up(client, {"name": "A", "email": f"a{n}@example.com"}).status_code for n in range(11)
    ]
    assert statuses == [201] * 10 + [429]


def test_staff_list_prospects_newest_first(client, staff):
    older = Prospect.objects.create(name="Old", email="old@example.com")
    newer = Prospect.objects.create(name="New", email="new@example.com")
    response = client.get(PROSPECTS, **bearer(staff))
    assert response.status_code == 200
    assert response["X-Total-Count"] == "2"
    assert response.json() == [
        {"id": newer.pk, "name": "New", "email": "new@example.com"},
        {"id": older.pk, "name": "Old", "email": "old@example.com"},
    ]


def test_staff_read_one_prospect_by_id_or_email(client, staff):
    prospect = Prospect.objects.create(name="Alan", email="alan@example.com")
    body = {"id": prospect.pk, "name": "Alan", "email": "alan@example.com"}
    for key in (str(prospect.pk), "alan@example.com", "ALAN@EXAMPLE.COM"):
        response = client.get(f"{PROSPECTS}{key}/", **bearer(staff))
        assert response.status_code == 200, key
        assert response.json() == body
    for key in ("9999", "someone@example.com", "alan", "1.0", "9" * 40):
        response = client.get(f"{PROSPECTS}{key}/", **bearer(staff))
        assert response.status_code == 404, key
        assert response.json() == {"detail": "Not found."}


def test_staff_delete_a_prospect_by_id_or_email(client, staff):
    first = Prospect.objects.create(name="A", email="a@example.com")
    Prospect.objects.create(name="B", email="b@example.com")
    assert client.delete(f"{PROSPECTS}{first.pk}/", **bearer(staff)).status_code == 204
    response = client.delete(f"{PROSPECTS}B@example.com/", **bearer(staff))
    assert response.status_code == 204
    assert response.content == b""
    assert not Prospect.objects.exists()
    assert client.delete(f"{PROSPECTS}{first.pk}/", **bearer(staff)).status_code == 404


def test_everyone_else_is_403_before_any_lookup(client):
    prospect = Prospect.objects.create(name="A", email="a@example.com")
    user = careers_user()
    before = careers_state()
    for method, url in [
        ("get", PROSPECTS),
        ("get", f"{PROSPECTS}{prospect.pk}/"),
        ("get", f"{PROSPECTS}missing/"),
        ("delete", f"{PROSPECTS}{prospect.pk}/"),
    ]:
        response = getattr(client, method)(url, **bearer(user))
        assert response.status_code == 403, (method, url)
        assert response.json() == FORBIDDEN
        assert client.generic(method.upper(), url).status_code == 401
    assert careers_state() == before


def test_put_on_one_prospect_is_405(client, staff):
    prospect = baker.make(Prospect, email="a@example.com")
    response = client.put(
        f"{PROSPECTS}{prospect.pk}/", {}, content_type="application/json", **bearer(staff)
    )
    assert response.status_code == 405
