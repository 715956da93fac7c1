"""Payments reads its bodies through core's parser: the same limits give the same 4xx answers."""

import json

import pytest
from model_bakery import baker

from modules.payments.models import Operator, Payment
from tests.conftest import bearer, make_user
from tests.core.test_parsing import FORM, NESTED, TOO_MANY_FIELDS, many_fields

pytestmark = pytest.mark.django_db


def test_payments_bodies_get_the_parsers_limits(client):
    """payments reads its body through core's parser: the same limits answer the same 400s."""
    operator = make_user()
    baker.make(Operator, user=operator)
    headers = bearer(operator)
    too_many = client.post("/api/payments/", many_fields(), content_type=FORM, **headers)
    nested = client.post(
        "/api/payments/", "[" * 100_000, content_type="application/json", **headers
    )
    assert (too_many.status_code, too_many.json()) == (400, {"detail": TOO_MANY_FIELDS})
    assert (nested.status_code, nested.json()) == (400, {"detail": NESTED})
    assert not Payment.objects.exists()


def test_payments_bodies_refuse_other_media_types(client):
    operator = make_user()
    baker.make(Operator, user=operator)
    body = json.dumps({"supplier": 1, "due_date": "2030-01-01", "value": "10.00"})
    response = client.post("/api/payments/", body, content_type="text/plain", **bearer(operator))
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert not Payment.objects.exists()
