"""The shared field types answer odd input with DRF's messages, never a 500."""

import json

import pytest
from ninja import Schema
from ninja_jwt.token_blacklist.models import OutstandingToken
from pydantic import ValidationError

from core.schemas import ApiDate, PkInt, drf_errors

pytestmark = pytest.mark.django_db


class Body(Schema):
    related: PkInt
    day: ApiDate


def errors(**data):
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(data)
    return drf_errors(caught.value.errors())


def test_pk_accepts_ints_and_ascii_digit_strings():
    assert Body.model_validate({"related": "12", "day": "2026-01-02"}).related == 12
    assert Body.model_validate({"related": 7, "day": "2026-01-02"}).related == 7
    assert Body.model_validate({"related": " +12 ", "day": "2026-01-02"}).related == 12


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Incorrect type. Expected pk value, received str."),
        ("²", "Incorrect type. Expected pk value, received str."),
        (True, "Incorrect type. Expected pk value, received bool."),
        ([1], "Incorrect type. Expected pk value, received list."),
        ("9" * 25, f'Invalid pk "{"9" * 25}" - object does not exist.'),
        (10**30, f'Invalid pk "{10**30}" - object does not exist.'),
        (0, 'Invalid pk "0" - object does not exist.'),
        ("1" * 5000, "Incorrect type. Expected pk value, received str."),
        ("-1", 'Invalid pk "-1" - object does not exist.'),
        ("+0", 'Invalid pk "+0" - object does not exist.'),
        (-3, 'Invalid pk "-3" - object does not exist.'),
        (1.0, "Incorrect type. Expected pk value, received float."),
        ("1.0", "Incorrect type. Expected pk value, received str."),
    ],
)
def test_pk_refuses_with_drf_messages(value, message):
    assert errors(related=value, day="2026-01-02") == {"related": [message]}


@pytest.mark.parametrize(
    "value", ["2026-1-2", "02/01/2026", "2026-02-30", "\uff12\uff10\uff12\uff16-01-02", 20260102]
)
def test_dates_must_be_iso(value):
    assert errors(related=1, day=value) == {
        "day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    }


def test_missing_fields_are_required():
    assert errors() == {"related": ["This field is required."], "day": ["This field is required."]}


def test_odd_token_input_is_401_or_400_never_500(client):
    long_email = "a" * 60000 + "@example.com"
    response = client.post(
        "/api/token/", {"email": long_email, "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["Ensure this field has no more than 254 characters."]}
    for path, field in [
        ("/api/token/refresh/", "refresh"),
        ("/api/token/verify/", "token"),
        ("/api/token/blacklist/", "refresh"),
    ]:
        response = client.post(path, {field: "\ud800abc"}, content_type="application/json")
        assert response.status_code == 401, path
    response = client.get("/api/me/", HTTP_AUTHORIZATION="Bearer \u00e9\u00e9")
    assert response.status_code == 401


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"refresh": 5}, {"refresh": ["Not a valid string."]}),
        ({"refresh": {"a": 1}}, {"refresh": ["Not a valid string."]}),
        ({"refresh": None}, {"refresh": ["This field may not be null."]}),
    ],
)
def test_a_wrong_type_is_named_and_only_a_null_is_called_null(client, body, expected):
    response = post_json(client, "/api/token/refresh/", body)
    assert response.status_code == 400
    assert response.json() == expected
    assert not OutstandingToken.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [({"a": 1}, "Not a valid string."), (None, "This field may not be null.")],
)
def test_login_names_the_wrong_type_too(client, email, message):
    response = post_json(client, "/api/token/", {"email": email, "password": "x"})
    assert response.status_code == 400
    assert response.json() == {"email": [message]}
    assert not OutstandingToken.objects.exists()


@pytest.mark.urls("tests.core.validation_urls")
def test_a_bad_choice_names_the_value_sent(client):
    response = post_json(client, "/api/choice/", {"colour": "blue", "count": "many"})
    assert response.status_code == 400
    assert response.json() == {
        "colour": ['"blue" is not a valid choice.'],
        "count": ["A valid integer is required."],
    }


LOGIN_REQUIRED = {"email": ["This field is required."], "password": ["This field is required."]}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/token/", LOGIN_REQUIRED),
        ("/api/token/refresh/", {"refresh": ["This field is required."]}),
        ("/api/token/verify/", {"token": ["This field is required."]}),
    ],
)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_an_empty_body_lists_each_required_field(client, path, expected, content_type):
    response = client.post(path, "", content_type=content_type)
    assert response.status_code == 400
    assert response.json() == expected
    assert not OutstandingToken.objects.exists()


@pytest.mark.urls("tests.core.validation_urls")
def test_any_endpoint_with_a_body_schema_lists_its_required_fields_only(client):
    response = client.post("/api/choice/", "", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"colour": ["This field is required."]}
