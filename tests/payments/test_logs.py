"""GET /api/logs/: every request, approval and denial, scoped to the caller."""

import pytest
from model_bakery import baker

from modules.payments.models import RequestLog
from tests.payments.conftest import days, make_anticipation, make_payment

pytestmark = pytest.mark.django_db

URL = "/api/logs/"


def test_logs_follow_the_api_flow(client, operator, as_operator, as_supplier, supplier):
    payment = make_payment(supplier, due_in=20)
    created = client.post(
        "/api/anticipations/",
        {"payment": payment.pk, "new_due_date": days(10).isoformat()},
        content_type="application/json",
        **as_supplier,
    ).json()
    client.patch(
        f"/api/anticipations/{created['id']}/",
        {"status": "A"},
        content_type="application/json",
        **as_operator,
    )
    request_log, approval_log = RequestLog.objects.order_by("id")
    expected = {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": approval_log.pk,
                "anticipation": created["id"],
                "created_at": days(0).isoformat(),
                "user": operator.pk,
                "action": "A",
            },
            {
                "id": request_log.pk,
                "anticipation": created["id"],
                "created_at": days(0).isoformat(),
                "user": supplier.user_id,
                "action": "R",
            },
        ],
    }
    for headers in (as_operator, as_supplier):
        response = client.get(URL, **headers)
        assert response.status_code == 200
        assert response.json() == expected


def test_supplier_sees_only_logs_of_its_payments(
    client, as_supplier, as_other_supplier, supplier, other_supplier
):
    own = make_anticipation(make_payment(supplier))
    theirs = make_anticipation(make_payment(other_supplier))
    assert [r["anticipation"] for r in client.get(URL, **as_supplier).json()["results"]] == [own.pk]
    assert [r["anticipation"] for r in client.get(URL, **as_other_supplier).json()["results"]] == [
        theirs.pk
    ]


def test_newest_first_with_id_tie_break(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    (first,) = RequestLog.objects.all()
    older = baker.make(RequestLog, anticipation=anticipation, action="D", created_at=days(-5))
    newer = baker.make(RequestLog, anticipation=anticipation, action="A")
    response = client.get(URL, **as_operator).json()
    assert [row["id"] for row in response["results"]] == [newer.pk, first.pk, older.pk]


def test_deleted_user_leaves_the_log_with_a_null_user(client, as_operator, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    operator_log = baker.make(RequestLog, anticipation=anticipation, action="A", user=None)
    response = client.get(URL, **as_operator).json()
    assert response["results"][0] == {
        "id": operator_log.pk,
        "anticipation": anticipation.pk,
        "created_at": days(0).isoformat(),
        "user": None,
        "action": "A",
    }


def test_pagination(client, as_operator, supplier):
    for _ in range(12):
        make_anticipation(make_payment(supplier))
    first = client.get(URL, {"page_size": 5}, **as_operator).json()
    assert (first["count"], len(first["results"])) == (12, 5)
    assert first["next"] == "http://testserver/api/logs/?page=2&page_size=5"
    last = client.get(URL, {"page_size": 5, "page": "last"}, **as_operator).json()
    assert len(last["results"]) == 2
    assert last["previous"] == "http://testserver/api/logs/?page=2&page_size=5"
    assert client.get(URL, {"page": 0}, **as_operator).status_code == 404


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, as_operator, as_supplier, supplier, page_size
):
    for _ in range(20):
        make_anticipation(make_payment(supplier))
    for headers in (as_operator, as_supplier):
        with django_assert_num_queries(3):
            response = client.get(URL, {"page_size": page_size}, **headers)
        assert len(response.json()["results"]) == min(page_size, 20)
