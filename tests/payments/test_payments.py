"""GET/POST /api/payments/ and GET /api/payments/{id}/ through HTTP."""

from decimal import Decimal

import pytest

from modules.payments.models import Payment
from tests.payments.conftest import days, make_anticipation, make_payment, make_supplier

pytestmark = pytest.mark.django_db

URL = "/api/payments/"


def payment_json(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "supplier": payment.supplier_id,
        "creation_date": payment.creation_date.isoformat(),
        "due_date": payment.due_date.isoformat(),
        "value": f"{payment.value:.2f}",
    }


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def post(client, body, headers, content_type="application/json"):
    if content_type == "multipart/form-data":
        return client.post(URL, body, **headers)
    return client.post(URL, body, content_type=content_type, **headers)


# ---------------------------------------------------------------- list


def test_operator_lists_every_payment_newest_first(client, as_operator, supplier, other_supplier):
    old = make_payment(supplier, created_ago=3)
    same_day_first = make_payment(other_supplier)
    same_day_second = make_payment(supplier)
    response = client.get(URL, **as_operator)
    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [payment_json(p) for p in (same_day_second, same_day_first, old)],
    }


def test_supplier_lists_only_its_own(client, as_supplier, supplier, other_supplier):
    own = make_payment(supplier)
    make_payment(other_supplier)
    response = client.get(URL, **as_supplier)
    assert response.json()["count"] == 1
    assert ids(response) == [own.pk]


def test_empty_list_is_page_one_with_count_zero(client, as_supplier):
    response = client.get(URL, **as_supplier)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.fixture
def every_kind(supplier):
    """One payment for each row of the status table, plus the edge cases."""
    kinds = {
        "available": make_payment(supplier, due_in=10),
        "due_today": make_payment(supplier, due_in=0),
        "overdue": make_payment(supplier, due_in=-5),
        "overdue_pending": make_payment(supplier, due_in=-1),
        "pending": make_payment(supplier, due_in=20),
        "approved_future": make_payment(supplier, due_in=30),
        "approved_past": make_payment(supplier, due_in=-3),
        "denied_future": make_payment(supplier, due_in=15),
        "denied_past": make_payment(supplier, due_in=-2),
    }
    for name, status in [
        ("overdue_pending", "PC"),
        ("pending", "PC"),
        ("approved_future", "A"),
        ("approved_past", "A"),
        ("denied_future", "D"),
        ("denied_past", "D"),
    ]:
        make_anticipation(kinds[name], status=status, earlier_by=1)
    return {name: payment.pk for name, payment in kinds.items()}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("A", ["available"]),
        ("U", ["due_today", "overdue", "overdue_pending"]),
        ("PC", ["pending"]),
        ("AN", ["approved_future", "approved_past"]),
        ("D", ["denied_future", "denied_past"]),
        ("ALL", None),
        ("", None),
        ("a", ["available"]),
        ("pc", ["pending"]),
        ("An", ["approved_future", "approved_past"]),
        ("all", None),
    ],
)
def test_status_filter(client, as_operator, every_kind, status, expected):
    response = client.get(URL, {"status": status}, **as_operator)
    assert response.status_code == 200
    names = expected if expected is not None else list(every_kind)
    assert sorted(ids(response)) == sorted(every_kind[name] for name in names)


def test_status_filter_keeps_the_supplier_scope(
    client, as_other_supplier, every_kind, other_supplier
):
    own = make_payment(other_supplier, due_in=10)
    response = client.get(URL, {"status": "A"}, **as_other_supplier)
    assert ids(response) == [own.pk]


@pytest.mark.parametrize(
    ("status", "shown"), [("X", "X"), ("i", "I"), ("pending", "PENDING"), ("ANY", "ANY")]
)
def test_unknown_status_is_400_with_a_bare_list(client, as_operator, status, shown):
    response = client.get(URL, {"status": status}, **as_operator)
    assert response.status_code == 400
    assert response.json() == [f'"{shown}" is an invalid status. Choose A, U, PC, AN or D.']


def test_pages_and_links_keep_other_parameters(client, as_operator, supplier):
    payments = [make_payment(supplier, due_in=5) for _ in range(25)]
    newest_first = [p.pk for p in reversed(payments)]

    first = client.get(URL, {"status": "a"}, **as_operator).json()
    assert first["count"] == 25
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/payments/?page=2&status=a"
    assert [r["id"] for r in first["results"]] == newest_first[:10]

    third = client.get(URL, {"status": "a", "page": 3}, **as_operator).json()
    assert third["next"] is None
    assert third["previous"] == "http://testserver/api/payments/?page=2&status=a"
    assert [r["id"] for r in third["results"]] == newest_first[20:]

    second = client.get(URL, {"status": "a", "page": 2}, **as_operator).json()
    assert second["previous"] == "http://testserver/api/payments/?status=a"
    assert second["next"] == "http://testserver/api/payments/?page=3&status=a"

    last = client.get(URL, {"page": "last"}, **as_operator).json()
    assert [r["id"] for r in last["results"]] == newest_first[20:]


@pytest.mark.parametrize(
    ("page_size", "length"),
    [("5", 5), ("100", 100), ("150", 100), ("0", 10), ("-3", 10), ("x", 10)],
)
def test_page_size(client, as_operator, supplier, page_size, length):
    Payment.objects.bulk_create(
        Payment(supplier=supplier, due_date=days(1), value=Decimal("1.00")) for _ in range(120)
    )
    response = client.get(URL, {"page_size": page_size}, **as_operator)
    assert response.status_code == 200
    assert len(response.json()["results"]) == length
    assert response.json()["count"] == 120


@pytest.mark.parametrize("page", ["0", "3", "x", "-1", "1.5"])
def test_invalid_page_is_404(client, as_operator, supplier, page):
    make_payment(supplier)
    response = client.get(URL, {"page": page}, **as_operator)
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_unknown_status_wins_over_an_invalid_page(client, as_operator):
    response = client.get(URL, {"status": "x", "page": "9"}, **as_operator)
    assert response.status_code == 400


@pytest.mark.parametrize("page_size", [1, 10, 100])
@pytest.mark.parametrize("status", ["", "A", "U", "PC", "AN", "D"])
def test_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, as_operator, as_supplier, every_kind, page_size, status
):
    # The user with its role, the count and the page: for any page size, filter or role.
    for headers in (as_operator, as_supplier):
        with django_assert_num_queries(3):
            response = client.get(URL, {"status": status, "page_size": page_size}, **headers)
        assert response.status_code == 200


# ---------------------------------------------------------------- create


def test_operator_creates_a_payment_for_any_supplier(client, as_operator, other_supplier):
    due = days(23).isoformat()
    response = post(
        client, {"supplier": other_supplier.pk, "due_date": due, "value": 1000}, as_operator
    )
    assert response.status_code == 201
    payment = Payment.objects.get()
    assert response.json() == {
        "id": payment.pk,
        "supplier": other_supplier.pk,
        "creation_date": days(0).isoformat(),
        "due_date": due,
        "value": "1000.00",
    }
    assert payment.supplier == other_supplier
    assert payment.value == Decimal("1000.00")
    assert payment.creation_date == days(0)


@pytest.mark.parametrize("sent", [None, "missing", 999, "abc"])
def test_supplier_always_creates_for_itself(client, as_supplier, supplier, other_supplier, sent):
    body = {"due_date": days(0).isoformat(), "value": "12.5"}
    if sent != "missing":
        body["supplier"] = other_supplier.pk if sent is None else sent
    response = post(client, body, as_supplier)
    assert response.status_code == 201
    assert response.json()["supplier"] == supplier.pk
    assert response.json()["value"] == "12.50"
    assert Payment.objects.get().supplier == supplier


def test_id_and_creation_date_in_the_body_are_ignored(client, as_supplier):
    body = {
        "id": 777,
        "creation_date": "2001-01-01",
        "due_date": days(1).isoformat(),
        "value": "3",
    }
    response = post(client, body, as_supplier)
    assert response.status_code == 201
    assert response.json()["id"] != 777
    assert response.json()["creation_date"] == days(0).isoformat()


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_form_bodies_work_like_json(client, as_operator, supplier, content_type):
    body = {"supplier": str(supplier.pk), "due_date": days(2).isoformat(), "value": "99.90"}
    if content_type == "application/x-www-form-urlencoded":
        from urllib.parse import urlencode

        body = urlencode(body)
    response = post(client, body, as_operator, content_type=content_type)
    assert response.status_code == 201
    assert response.json()["value"] == "99.90"
    assert Payment.objects.get().supplier == supplier


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {
                "supplier": ["This field is required."],
                "due_date": ["This field is required."],
                "value": ["This field is required."],
            },
        ),
        (
            {"supplier": 999, "due_date": "2020-01-01", "value": "-1"},
            {
                "supplier": ['Invalid pk "999" - object does not exist.'],
                "due_date": ["Inform a date greater than or equal today."],
                "value": ["Make sure the value is greater than zero."],
            },
        ),
        (
            {"supplier": "999", "due_date": "20-01-2030", "value": "abc"},
            {
                "supplier": ['Invalid pk "999" - object does not exist.'],
                "due_date": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ],
                "value": ["A valid number is required."],
            },
        ),
        (
            {"supplier": "abc", "due_date": None, "value": None},
            {
                "supplier": ["Incorrect type. Expected pk value, received str."],
                "due_date": ["This field may not be null."],
                "value": ["This field may not be null."],
            },
        ),
        ({"supplier": True}, {"supplier": ["Incorrect type. Expected pk value, received bool."]}),
        ({"supplier": 1.5}, {"supplier": ["Incorrect type. Expected pk value, received float."]}),
        (
            {"due_date": "2030-02-30"},
            {"due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"due_date": 20300101},
            {"due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"value": 0}, {"value": ["Make sure the value is greater than zero."]}),
        ({"value": "0.00"}, {"value": ["Make sure the value is greater than zero."]}),
        ({"value": "1.001"}, {"value": ["Ensure that there are no more than 2 decimal places."]}),
        ({"value": 10.125}, {"value": ["Ensure that there are no more than 2 decimal places."]}),
        (
            {"value": "123456789012"},
            {"value": ["Ensure that there are no more than 11 digits in total."]},
        ),
        (
            {"value": "12345678901.5"},
            {"value": ["Ensure that there are no more than 11 digits in total."]},
        ),
        (
            {"value": "1234567890"},
            {"value": ["Ensure that there are no more than 9 digits before the decimal point."]},
        ),
        ({"value": "NaN"}, {"value": ["A valid number is required."]}),
        ({"value": "Infinity"}, {"value": ["A valid number is required."]}),
        ({"value": ""}, {"value": ["A valid number is required."]}),
        ({"value": True}, {"value": ["A valid number is required."]}),
        ({"value": [1]}, {"value": ["A valid number is required."]}),
    ],
)
def test_operator_field_errors_come_back_together(client, as_operator, supplier, body, errors):
    valid = {"supplier": supplier.pk, "due_date": days(1).isoformat(), "value": "1"}
    response = post(client, {**valid, **body} if body else {}, as_operator)
    assert response.status_code == 400
    assert response.json() == errors
    assert Payment.objects.count() == 0


def test_largest_value_fits(client, as_supplier):
    response = post(client, {"due_date": days(0).isoformat(), "value": "999999999.99"}, as_supplier)
    assert response.status_code == 201
    assert Payment.objects.get().value == Decimal("999999999.99")


def test_supplier_errors_never_mention_the_supplier_field(client, as_supplier):
    response = post(client, {"supplier": "abc", "due_date": "yesterday"}, as_supplier)
    assert response.status_code == 400
    assert response.json() == {
        "due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "value": ["This field is required."],
    }
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        ("{broken", "application/json", "detail"),
        ("[1, 2]", "application/json", "non_field_errors"),
        ('"text"', "application/json", "non_field_errors"),
    ],
)
def test_unreadable_bodies_are_400(client, as_operator, body, content_type, error):
    response = post(client, body, as_operator, content_type=content_type)
    assert response.status_code == 400
    assert error in response.json()
    assert Payment.objects.count() == 0


def test_empty_body_reports_required_fields(client, as_supplier):
    response = client.post(URL, content_type="application/json", **as_supplier)
    assert response.status_code == 400
    assert response.json() == {
        "due_date": ["This field is required."],
        "value": ["This field is required."],
    }


# ---------------------------------------------------------------- retrieve


def test_retrieve_own_payment(client, as_supplier, supplier):
    payment = make_payment(supplier, value="1000")
    response = client.get(f"{URL}{payment.pk}/", **as_supplier)
    assert response.status_code == 200
    assert response.json() == payment_json(payment)


def test_operator_retrieves_any_payment(client, as_operator, other_supplier):
    payment = make_payment(other_supplier)
    response = client.get(f"{URL}{payment.pk}/", **as_operator)
    assert response.json() == payment_json(payment)


def test_another_suppliers_payment_looks_missing(client, as_supplier, other_supplier):
    payment = make_payment(other_supplier)
    theirs = client.get(f"{URL}{payment.pk}/", **as_supplier)
    missing = client.get(f"{URL}{payment.pk + 100}/", **as_supplier)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"detail": "No Payment matches the given query."}


def test_payment_str(supplier):
    assert str(make_payment(supplier, value="1000")) == "Supplier 01 - $1000.00"


def test_list_serves_a_supplier_among_many(client, as_supplier, supplier):
    for index in range(3):
        make_payment(make_supplier(f"Other {index}"))
    own = make_payment(supplier)
    assert ids(client.get(URL, **as_supplier)) == [own.pk]
