"""Who may call what, and the order the checks answer in: 405, 401, 403 role, 404, 403, 400."""

import pytest

from core.models import OutboxEmail
from modules.payments.models import Anticipation, Operator, Payment, RequestLog
from tests.conftest import bearer, make_user
from tests.payments.conftest import days, make_anticipation, make_payment, make_supplier

pytestmark = pytest.mark.django_db

ROLE_REQUIRED = {"detail": "Only suppliers or operators can make requests."}
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
ONLY_OPERATORS = {"detail": "Only operators can approve or deny anticipations."}
NOT_FOUND = {"detail": "Not found."}

# Every operation of the module, with a body that would be valid for an operator.
ENDPOINTS = [
    ("get", "/api/payments/", None),
    ("post", "/api/payments/", {"supplier": 1, "due_date": "2999-01-01", "value": 10}),
    ("get", "/api/payments/1/", None),
    ("get", "/api/anticipations/", None),
    ("post", "/api/anticipations/", {"payment": 1, "new_due_date": "2998-01-01"}),
    ("get", "/api/anticipations/1/", None),
    ("patch", "/api/anticipations/1/", {"status": "A"}),
    ("put", "/api/anticipations/1/", {"status": "A"}),
    ("get", "/api/logs/", None),
]


def call(client, method, path, body=None, **headers):
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, body, content_type="application/json", **headers)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_no_token_is_401_with_the_bearer_challenge(client, method, path, body):
    response = call(client, method, path, body)
    assert response.status_code == 401
    assert response.json() == NO_CREDENTIALS
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_bad_token_is_401(client, method, path, body):
    response = call(client, method, path, body, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "Given token not valid for any token type"}


@pytest.mark.parametrize(
    "fields",
    [{}, {"is_staff": True}, {"is_staff": True, "is_superuser": True}],
    ids=["plain user", "staff", "superuser"],
)
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_users_without_a_role_are_refused_everywhere(client, fields, method, path, body):
    response = call(client, method, path, body, **bearer(make_user(**fields)))
    assert response.status_code == 403
    assert response.json() == ROLE_REQUIRED
    assert Payment.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


def test_role_is_checked_before_a_missing_object_or_a_bad_body(client):
    headers = bearer(make_user())
    response = client.patch(
        "/api/anticipations/999/", "{broken", content_type="application/json", **headers
    )
    assert (response.status_code, response.json()) == (403, ROLE_REQUIRED)
    response = client.post("/api/payments/", "{broken", content_type="application/json", **headers)
    assert (response.status_code, response.json()) == (403, ROLE_REQUIRED)


def test_operator_role_wins_over_supplier_role(client):
    supplier = make_supplier()
    Operator.objects.create(user=supplier.user)
    others = make_payment(make_supplier("Supplier 02"))
    response = client.get(f"/api/payments/{others.pk}/", **bearer(supplier.user))
    assert response.status_code == 200
    anticipation = make_anticipation(others)
    response = client.patch(
        f"/api/anticipations/{anticipation.pk}/",
        {"status": "D"},
        content_type="application/json",
        **bearer(supplier.user),
    )
    assert response.status_code == 200
    assert response.json()["status"] == "D"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_payment_detail_has_no_write_methods(client, as_operator, supplier, method):
    payment = make_payment(supplier)
    response = call(client, method, f"/api/payments/{payment.pk}/", {"value": 1}, **as_operator)
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    payment.refresh_from_db()
    assert str(payment.value) == "1000.00"
    assert Payment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/anticipations/1/"),
        ("patch", "/api/payments/1/"),
        ("put", "/api/payments/"),
        ("delete", "/api/payments/"),
        ("patch", "/api/anticipations/"),
        ("post", "/api/logs/"),
        ("post", "/api/payments/1/"),
    ],
)
def test_wrong_method_is_405_before_authentication(client, method, path):
    response = call(client, method, path, {})
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_delete_of_an_anticipation_is_405_and_keeps_it(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    response = client.delete(f"/api/anticipations/{anticipation.pk}/", **as_operator)
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}
    assert Anticipation.objects.filter(pk=anticipation.pk).exists()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/payments/abc/", None),
        ("get", "/api/anticipations/1x/", None),
        ("patch", "/api/anticipations/abc/", {"status": "A"}),
        ("put", "/api/anticipations/abc/", {"status": "bad"}),
    ],
)
def test_non_numeric_id_is_404_not_found(client, as_operator, method, path, body):
    response = call(client, method, path, body, **as_operator)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_non_numeric_id_without_token_is_401_first(client):
    response = client.get("/api/payments/abc/")
    assert (response.status_code, response.json()) == (401, NO_CREDENTIALS)


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999999"])
def test_out_of_range_ids_are_plain_404s(client, as_operator, pk):
    response = client.get(f"/api/payments/{pk}/", **as_operator)
    assert response.status_code == 404
    assert response.json() == {"detail": "No Payment matches the given query."}
    response = client.get(f"/api/anticipations/{pk}/", **as_operator)
    assert response.json() == {"detail": "No Anticipation matches the given query."}


@pytest.mark.parametrize("path", ["/api/payments", "/api/anticipations", "/api/logs", "payment"])
def test_paths_answer_without_the_trailing_slash(client, as_operator, supplier, path):
    payment = make_payment(supplier)
    if path == "payment":
        path = f"/api/payments/{payment.pk}"
    response = client.get(path, **as_operator)
    assert response.status_code == 200


def test_post_without_trailing_slash_keeps_its_body(client, as_operator, supplier):
    response = client.post(
        "/api/payments",
        {"supplier": supplier.pk, "due_date": days(3).isoformat(), "value": "5.00"},
        content_type="application/json",
        **as_operator,
    )
    assert response.status_code == 201
    assert Payment.objects.get().value == 5


class TestDecisionOrder:
    """PATCH: lookup (404) → operator (403) → body (400) → already decided (400)."""

    def test_missing_anticipation_beats_a_bad_body(self, client, as_supplier):
        response = client.patch(
            "/api/anticipations/999/", "{broken", content_type="application/json", **as_supplier
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "No Anticipation matches the given query."}

    def test_other_suppliers_anticipation_is_404_before_the_operator_check(
        self, client, as_supplier, other_supplier
    ):
        anticipation = make_anticipation(make_payment(other_supplier))
        response = client.patch(
            f"/api/anticipations/{anticipation.pk}/",
            {"status": "A"},
            content_type="application/json",
            **as_supplier,
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "No Anticipation matches the given query."}

    @pytest.mark.parametrize("body", ['{"status": "A"}', "{broken", "[1]", '{"status": "X"}'])
    def test_supplier_on_its_own_anticipation_is_403_whatever_the_body(
        self, client, as_supplier, supplier, body
    ):
        anticipation = make_anticipation(make_payment(supplier))
        response = client.patch(
            f"/api/anticipations/{anticipation.pk}/",
            body,
            content_type="application/json",
            **as_supplier,
        )
        assert (response.status_code, response.json()) == (403, ONLY_OPERATORS)
        anticipation.refresh_from_db()
        assert anticipation.status == "PC"
        assert RequestLog.objects.filter(action__in=["A", "D"]).count() == 0
        assert OutboxEmail.objects.count() == 0

    def test_bad_body_beats_already_decided(self, client, as_operator, supplier):
        anticipation = make_anticipation(make_payment(supplier), status="A")
        response = client.patch(
            f"/api/anticipations/{anticipation.pk}/",
            {"status": "PC"},
            content_type="application/json",
            **as_operator,
        )
        assert response.status_code == 400
        assert response.json() == {"status": ['"PC" is not a valid choice.']}

    def test_broken_json_is_a_400_after_the_checks(self, client, as_operator, supplier):
        anticipation = make_anticipation(make_payment(supplier))
        response = client.patch(
            f"/api/anticipations/{anticipation.pk}/",
            "{broken",
            content_type="application/json",
            **as_operator,
        )
        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error - ")
        anticipation.refresh_from_db()
        assert anticipation.status == "PC"


def test_deactivated_supplier_is_401(client, supplier):
    headers = bearer(supplier.user)
    supplier.user.is_active = False
    supplier.user.save()
    response = client.get("/api/payments/", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "User is inactive or no longer exists."}


def test_revoked_role_takes_effect_on_the_next_request(client, supplier):
    headers = bearer(supplier.user)
    assert client.get("/api/payments/", **headers).status_code == 200
    supplier.delete()
    response = client.get("/api/payments/", **headers)
    assert (response.status_code, response.json()) == (403, ROLE_REQUIRED)
