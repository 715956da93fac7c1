"""POST/GET /api/anticipations/, GET and PATCH/PUT /api/anticipations/{id}/ through HTTP."""

from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db.models import QuerySet

from core.models import OutboxEmail
from modules.payments.models import Anticipation, RequestLog
from tests.payments.conftest import days, make_anticipation, make_payment

pytestmark = pytest.mark.django_db

URL = "/api/anticipations/"


def anticipation_json(anticipation: Anticipation) -> dict:
    return {
        "id": anticipation.pk,
        "payment": anticipation.payment_id,
        "creation_date": anticipation.creation_date.isoformat(),
        "new_due_date": anticipation.new_due_date.isoformat(),
        "new_value": f"{anticipation.new_value:.2f}",
        "update_date": anticipation.update_date.isoformat(),
        "status": anticipation.status,
    }


def assert_nothing_written() -> None:
    assert Anticipation.objects.count() == 0
    assert RequestLog.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def request_anticipation(client, headers, **body):
    return client.post(URL, body, content_type="application/json", **headers)


def decide(client, headers, anticipation, body, method="patch"):
    path = f"{URL}{anticipation.pk}/"
    return getattr(client, method)(path, body, content_type="application/json", **headers)


# ---------------------------------------------------------------- create


def test_supplier_requests_an_anticipation(client, as_supplier, supplier):
    payment = make_payment(supplier, due_in=30, value="1100.00")
    new_date = days(15)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=new_date.isoformat()
    )
    assert response.status_code == 201
    anticipation = Anticipation.objects.get()
    assert response.json() == {
        "id": anticipation.pk,
        "payment": payment.pk,
        "creation_date": days(0).isoformat(),
        "new_due_date": new_date.isoformat(),
        "new_value": "1083.50",
        "update_date": days(0).isoformat(),
        "status": "PC",
    }
    assert anticipation.new_value == Decimal("1083.50")
    log = RequestLog.objects.get()
    assert (log.anticipation, log.user, log.action, log.created_at) == (
        anticipation,
        supplier.user,
        "R",
        days(0),
    )
    email = OutboxEmail.objects.get()
    assert email.to == ["user01@email.com"]
    assert email.subject == "New anticipation requested."
    assert (email.status, email.max_retries, email.retry_delay) == ("sent", 3, 300)
    assert [m.subject for m in mail.outbox] == ["New anticipation requested."]


def test_operator_requests_for_any_supplier_and_the_supplier_is_emailed(
    client, operator, as_operator, other_supplier
):
    payment = make_payment(other_supplier, due_in=16, value="1000.00")
    response = request_anticipation(
        client, as_operator, payment=payment.pk, new_due_date=days(0).isoformat()
    )
    assert response.status_code == 201
    assert response.json()["new_value"] == "984.00"
    assert RequestLog.objects.get().user == operator
    assert mail.outbox[0].to == ["user02@email.com"]


def test_client_cannot_choose_value_status_or_dates(client, as_supplier, supplier):
    payment = make_payment(supplier, due_in=31, value="1000.00")
    response = request_anticipation(
        client,
        as_supplier,
        payment=payment.pk,
        new_due_date=days(1).isoformat(),
        new_value="1.00",
        status="A",
        id=999,
        creation_date="2000-01-01",
        update_date="2000-01-01",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["new_value"], body["status"]) == ("970.00", "PC")
    assert body["id"] != 999
    assert body["creation_date"] == body["update_date"] == days(0).isoformat()


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_form_bodies(client, as_supplier, supplier, content_type):
    payment = make_payment(supplier, due_in=10)
    body = {"payment": str(payment.pk), "new_due_date": days(5).isoformat()}
    if content_type == "multipart/form-data":
        response = client.post(URL, body, **as_supplier)
    else:
        response = client.post(URL, urlencode(body), content_type=content_type, **as_supplier)
    assert response.status_code == 201
    assert response.json()["new_value"] == "995.00"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {},
            {"payment": ["This field is required."], "new_due_date": ["This field is required."]},
        ),
        (
            {"payment": 999, "new_due_date": "2020-01-01"},
            {
                "payment": ['Invalid pk "999" - object does not exist.'],
                "new_due_date": ["Inform a date greater than or equal today."],
            },
        ),
        (
            {"payment": "x", "new_due_date": "01/02/2030"},
            {
                "payment": ["Incorrect type. Expected pk value, received str."],
                "new_due_date": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ],
            },
        ),
        (
            {"payment": None, "new_due_date": None},
            {
                "payment": ["This field may not be null."],
                "new_due_date": ["This field may not be null."],
            },
        ),
    ],
)
def test_field_errors_come_back_together(client, as_supplier, body, errors):
    response = request_anticipation(client, as_supplier, **body)
    assert response.status_code == 400
    assert response.json() == errors
    assert_nothing_written()


def test_another_suppliers_payment_is_a_field_error_with_the_others(
    client, as_supplier, other_supplier
):
    payment = make_payment(other_supplier)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date="2020-01-01"
    )
    assert response.status_code == 400
    assert response.json() == {
        "payment": ["Make sure you informed a valid payment ID."],
        "new_due_date": ["Inform a date greater than or equal today."],
    }
    assert_nothing_written()


@pytest.mark.parametrize("status", ["PC", "A", "D"])
def test_second_request_for_a_payment_is_refused(client, as_operator, supplier, status):
    existing = make_anticipation(make_payment(supplier, due_in=20), status=status)
    response = request_anticipation(
        client, as_operator, payment=existing.payment_id, new_due_date=days(1).isoformat()
    )
    assert response.status_code == 400
    assert response.json() == ["An anticipation was already created for this payment."]
    assert Anticipation.objects.count() == 1
    assert RequestLog.objects.count() == 1
    assert OutboxEmail.objects.count() == 0


@pytest.mark.parametrize("due_in", [0, -1])
def test_payment_due_today_or_before_is_no_longer_available(client, as_supplier, supplier, due_in):
    payment = make_payment(supplier, due_in=due_in)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(0).isoformat()
    )
    assert response.status_code == 400
    assert response.json() == ["This payment is no longer available for anticipation."]
    assert_nothing_written()


@pytest.mark.parametrize("offset", [0, 1, 30])
def test_new_due_date_must_be_earlier_than_the_due_date(client, as_supplier, supplier, offset):
    payment = make_payment(supplier, due_in=10)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(10 + offset).isoformat()
    )
    assert response.status_code == 400
    assert response.json() == {
        "new_due_date": ["The new due date must be earlier than the payment due date."]
    }
    assert_nothing_written()


@pytest.mark.parametrize(("due_in", "new_in"), [(1000, 0), (2000, 0), (1001, 1)])
def test_a_discount_that_leaves_nothing_to_pay_is_refused(
    client, as_supplier, supplier, due_in, new_in
):
    # 0.03 a month is 0.1% a day: a thousand days or more would discount all of the value.
    payment = make_payment(supplier, due_in=due_in, value="1000.00")
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(new_in).isoformat()
    )
    assert response.status_code == 400
    assert response.json() == {
        "new_due_date": [
            "The discount for this new due date would leave nothing to pay. "
            "Choose a date closer to the payment due date."
        ]
    }
    assert_nothing_written()
    assert client.get(URL, **as_supplier).status_code == 200


def test_a_discount_of_999_days_still_leaves_a_value(client, as_supplier, supplier):
    payment = make_payment(supplier, due_in=999, value="1000.00")
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(0).isoformat()
    )
    assert response.status_code == 201
    assert response.json()["new_value"] == "1.00"


def test_losing_a_race_for_the_payment_answers_already_requested(
    client, as_supplier, supplier, monkeypatch
):
    # The winner's row appears between our check and our insert: the one-to-one key refuses it.
    payment = make_payment(supplier, due_in=20)
    winner = make_anticipation(payment)
    real_exists = QuerySet.exists
    stale = [True]

    def exists_missing_the_winner_once(queryset):
        if queryset.model is Anticipation and stale:
            stale.pop()
            return False
        return real_exists(queryset)

    monkeypatch.setattr(QuerySet, "exists", exists_missing_the_winner_once)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(10).isoformat()
    )
    assert response.status_code == 400
    assert response.json() == ["An anticipation was already created for this payment."]
    assert not stale
    assert list(Anticipation.objects.values_list("pk", flat=True)) == [winner.pk]
    assert RequestLog.objects.count() == 1
    assert OutboxEmail.objects.count() == 0


def test_today_is_the_date_in_time_zone(client, as_supplier, supplier, settings, monkeypatch):
    # At noon UTC on 1 January, Kiritimati (UTC+14) is already on 2 January: 1 January is past.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    noon_utc = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: noon_utc)
    payment = make_payment(supplier, due_in=20)
    assert payment.due_date == date(2030, 1, 22)
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date="2030-01-01"
    )
    assert response.status_code == 400
    assert response.json() == {"new_due_date": ["Inform a date greater than or equal today."]}
    assert_nothing_written()
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date="2030-01-02"
    )
    assert response.status_code == 201
    assert response.json()["creation_date"] == "2030-01-02"


def test_rules_are_checked_in_order(client, as_supplier, supplier):
    # Already requested beats unavailable beats a late new date.
    overdue = make_payment(supplier, due_in=-1)
    make_anticipation(overdue, earlier_by=1)
    response = request_anticipation(
        client, as_supplier, payment=overdue.pk, new_due_date=days(5).isoformat()
    )
    assert response.json() == ["An anticipation was already created for this payment."]
    response = request_anticipation(
        client,
        as_supplier,
        payment=make_payment(supplier, due_in=0).pk,
        new_due_date=days(5).isoformat(),
    )
    assert response.json() == ["This payment is no longer available for anticipation."]


def test_one_day_earlier_rounds_half_to_even(client, as_supplier, supplier):
    payment = make_payment(supplier, due_in=2, value="15.00")
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(1).isoformat()
    )
    assert response.json()["new_value"] == "14.98"


def test_monthly_rate_comes_from_the_settings(client, as_supplier, supplier, settings):
    settings.PAYMENTS_MONTHLY_RATE = Decimal("0.06")
    payment = make_payment(supplier, due_in=31, value="1000.00")
    response = request_anticipation(
        client, as_supplier, payment=payment.pk, new_due_date=days(1).isoformat()
    )
    assert response.json()["new_value"] == "940.00"


# ---------------------------------------------------------------- list and retrieve


def test_operator_lists_every_anticipation_newest_first(
    client, as_operator, supplier, other_supplier
):
    old = make_anticipation(make_payment(supplier), created_ago=2)
    first = make_anticipation(make_payment(other_supplier), status="A")
    second = make_anticipation(make_payment(supplier), status="D")
    response = client.get(URL, **as_operator)
    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [anticipation_json(a) for a in (second, first, old)],
    }


def test_supplier_lists_only_its_own(client, as_supplier, supplier, other_supplier):
    own = make_anticipation(make_payment(supplier))
    make_anticipation(make_payment(other_supplier))
    response = client.get(URL, **as_supplier)
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("PC", {"PC"}), ("a", {"A"}), ("d", {"D"}), ("ALL", {"PC", "A", "D"}), ("", {"PC", "A", "D"})],
)
def test_list_filters_by_status(client, as_operator, supplier, status, expected):
    for value in ("PC", "A", "D"):
        make_anticipation(make_payment(supplier), status=value)
    response = client.get(URL, {"status": status}, **as_operator)
    assert {row["status"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(("status", "shown"), [("X", "X"), ("an", "AN"), ("u", "U")])
def test_list_rejects_unknown_status(client, as_operator, status, shown):
    response = client.get(URL, {"status": status}, **as_operator)
    assert response.status_code == 400
    assert response.json() == [f'"{shown}" is an invalid status. Choose PC, A or D.']


def test_list_is_paginated(client, as_operator, supplier):
    for _ in range(11):
        make_anticipation(make_payment(supplier))
    response = client.get(URL, {"status": "pc"}, **as_operator).json()
    assert (response["count"], len(response["results"])) == (11, 10)
    assert response["next"] == "http://testserver/api/anticipations/?page=2&status=pc"
    assert client.get(URL, {"page": 3}, **as_operator).json() == {"detail": "Invalid page."}


@pytest.mark.parametrize("page_size", [1, 50])
def test_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, as_operator, as_supplier, supplier, page_size
):
    for value in ("PC", "A", "D") * 10:
        make_anticipation(make_payment(supplier), status=value)
    for headers in (as_operator, as_supplier):
        with django_assert_num_queries(3):
            response = client.get(URL, {"page_size": page_size, "status": "a"}, **headers)
        assert len(response.json()["results"]) == min(page_size, 10)


def test_retrieve(client, as_supplier, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    for headers in (as_supplier, as_operator):
        response = client.get(f"{URL}{anticipation.pk}/", **headers)
        assert response.status_code == 200
        assert response.json() == anticipation_json(anticipation)


def test_another_suppliers_anticipation_looks_missing(client, as_supplier, other_supplier):
    anticipation = make_anticipation(make_payment(other_supplier))
    for pk in (anticipation.pk, anticipation.pk + 100):
        response = client.get(f"{URL}{pk}/", **as_supplier)
        assert response.status_code == 404
        assert response.json() == {"detail": "No Anticipation matches the given query."}


# ---------------------------------------------------------------- approve or deny


@pytest.mark.parametrize(
    ("status", "action", "subject"),
    [("A", "A", "Anticipation approved."), ("D", "D", "Anticipation denied.")],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_operator_decides(client, operator, as_operator, supplier, status, action, subject, method):
    anticipation = make_anticipation(make_payment(supplier), created_ago=3)
    anticipation.update_date = days(-3)
    anticipation.save()
    anticipation.refresh_from_db()
    assert anticipation.update_date == days(0)  # every save moves it
    Anticipation.objects.filter(pk=anticipation.pk).update(update_date=days(-3))
    response = decide(client, as_operator, anticipation, {"status": status}, method=method)
    assert response.status_code == 200
    anticipation.refresh_from_db()
    assert response.json() == anticipation_json(anticipation)
    assert (anticipation.status, anticipation.update_date) == (status, days(0))
    assert anticipation.creation_date == days(-3)
    log = RequestLog.objects.latest("id")
    assert (log.user, log.action, log.anticipation) == (operator, action, anticipation)
    assert [(m.subject, m.to) for m in mail.outbox] == [(subject, ["user01@email.com"])]


def test_other_fields_in_the_body_are_ignored(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier, due_in=30), earlier_by=10)
    before = anticipation_json(anticipation)
    response = decide(
        client,
        as_operator,
        anticipation,
        {"status": "A", "payment": 999, "new_due_date": days(1).isoformat(), "new_value": "1"},
    )
    assert response.status_code == 200
    anticipation.refresh_from_db()
    assert anticipation.payment_id == before["payment"]
    assert anticipation.new_due_date.isoformat() == before["new_due_date"]
    assert f"{anticipation.new_value:.2f}" == before["new_value"]


def test_decision_from_a_form_body(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    response = client.patch(
        f"{URL}{anticipation.pk}/",
        "status=D",
        content_type="application/x-www-form-urlencoded",
        **as_operator,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "D"


def test_decision_from_a_multipart_put(client, as_operator, supplier):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    anticipation = make_anticipation(make_payment(supplier))
    response = client.put(
        f"{URL}{anticipation.pk}/",
        encode_multipart(BOUNDARY, {"status": "A"}),
        content_type=MULTIPART_CONTENT,
        **as_operator,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "A"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"status": ["This field is required."]}),
        ({"other": "A"}, {"status": ["This field is required."]}),
        ({"status": None}, {"status": ["This field may not be null."]}),
        ({"status": "PC"}, {"status": ['"PC" is not a valid choice.']}),
        ({"status": "a"}, {"status": ['"a" is not a valid choice.']}),
        ({"status": "E"}, {"status": ['"E" is not a valid choice.']}),
        ({"status": ""}, {"status": ['"" is not a valid choice.']}),
        ({"status": 1}, {"status": ['"1" is not a valid choice.']}),
        ("[]", {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_invalid_decisions_change_nothing(client, as_operator, supplier, body, errors):
    anticipation = make_anticipation(make_payment(supplier))
    response = decide(client, as_operator, anticipation, body)
    assert response.status_code == 400
    assert response.json() == errors
    anticipation.refresh_from_db()
    assert anticipation.status == "PC"
    assert RequestLog.objects.count() == 1
    assert OutboxEmail.objects.count() == 0


def test_empty_body_is_a_missing_status(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    response = client.patch(f"{URL}{anticipation.pk}/", **as_operator)
    assert response.status_code == 400
    assert response.json() == {"status": ["This field is required."]}


@pytest.mark.parametrize(("current", "new"), [("A", "D"), ("D", "A"), ("A", "A")])
def test_decided_anticipation_cannot_be_decided_again(client, as_operator, supplier, current, new):
    anticipation = make_anticipation(make_payment(supplier), status=current)
    response = decide(client, as_operator, anticipation, {"status": new})
    assert response.status_code == 400
    assert response.json() == ["This anticipation has already been decided."]
    anticipation.refresh_from_db()
    assert anticipation.status == current
    assert RequestLog.objects.count() == 1
    assert OutboxEmail.objects.count() == 0


def test_overdue_pending_anticipation_can_still_be_decided(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier, due_in=-2), earlier_by=1)
    response = decide(client, as_operator, anticipation, {"status": "D"})
    assert response.status_code == 200
