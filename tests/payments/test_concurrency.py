"""Races against real PostgreSQL: threads with their own connections, no mocks.

Two simultaneous requests for one payment leave one anticipation, one log and one email; two
simultaneous decisions leave one decision. The held-transaction tests pin the interleaving the
database has to resolve (the loser passed every check before the winner committed).
"""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client

from core.models import OutboxEmail
from modules.payments.models import Anticipation, RequestLog
from tests.conftest import bearer
from tests.payments.conftest import days, make_anticipation, make_payment
from tests.support import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_until_blocked_on_a_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction the activity view is a snapshot unless cleared each time.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the request never waited for the held transaction")


def post_anticipation(headers: dict, payment_id: int, new_due_date: str) -> Callable[[], object]:
    def call() -> tuple[int, object]:
        response = Client().post(
            "/api/anticipations/",
            {"payment": payment_id, "new_due_date": new_due_date},
            content_type="application/json",
            **headers,
        )
        return response.status_code, response.json()

    return call


def patch_status(headers: dict, anticipation_id: int, status: str) -> Callable[[], object]:
    def call() -> tuple[int, object]:
        response = Client().patch(
            f"/api/anticipations/{anticipation_id}/",
            {"status": status},
            content_type="application/json",
            **headers,
        )
        return response.status_code, response.json()

    return call


def test_services_run_is_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_requests_create_one_anticipation(supplier, operator, attempt):
    payment = make_payment(supplier, due_in=20)
    new_date = days(10).isoformat()
    calls = [
        post_anticipation(bearer(supplier.user), payment.pk, new_date),
        post_anticipation(bearer(operator), payment.pk, new_date),
        post_anticipation(bearer(supplier.user), payment.pk, new_date),
    ]
    results = run_together(calls)
    statuses = sorted(result[0] for result in results)
    assert statuses == [201, 400, 400], results
    refusals = [body for status, body in results if status == 400]
    assert refusals == [["An anticipation was already created for this payment."]] * 2
    assert Anticipation.objects.count() == 1
    assert RequestLog.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
    assert OutboxEmail.objects.get().status == "sent"
    assert [m.subject for m in mail.outbox] == ["New anticipation requested."]


def test_request_that_passed_the_checks_loses_to_a_commit_at_the_constraint(supplier):
    payment = make_payment(supplier, due_in=20)
    call = post_anticipation(bearer(supplier.user), payment.pk, days(5).isoformat())
    with transaction.atomic():
        Anticipation.objects.create(payment=payment, new_due_date=days(10), new_value=payment.value)
        thread_result: list[object] = []
        thread = threading.Thread(target=lambda: thread_result.extend(run_together([call])))
        thread.start()
        # The request saw no anticipation (not committed yet) and now waits on the unique key.
        wait_until_blocked_on_a_lock()
    thread.join(timeout=30)
    assert thread_result == [(400, ["An anticipation was already created for this payment."])]
    anticipation = Anticipation.objects.get()
    assert anticipation.new_due_date == payment.due_date - timedelta(days=10)
    assert RequestLog.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_decisions_apply_one(supplier, operator, attempt):
    anticipation = make_anticipation(make_payment(supplier, due_in=20))
    headers = bearer(operator)
    results = run_together(
        [patch_status(headers, anticipation.pk, "A"), patch_status(headers, anticipation.pk, "D")]
    )
    assert sorted(result[0] for result in results) == [200, 400], results
    (winner,) = [body for status, body in results if status == 200]
    (loser,) = [body for status, body in results if status == 400]
    assert loser == ["This anticipation has already been decided."]
    anticipation.refresh_from_db()
    assert anticipation.status == winner["status"]
    decisions = RequestLog.objects.filter(action__in=["A", "D"])
    assert [log.action for log in decisions] == [winner["status"]]
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_decision_that_read_pending_loses_to_a_commit_at_the_update(supplier, operator):
    anticipation = make_anticipation(make_payment(supplier, due_in=20))
    call = patch_status(bearer(operator), anticipation.pk, "D")
    with transaction.atomic():
        Anticipation.objects.filter(pk=anticipation.pk).update(status="A")
        thread_result: list[object] = []
        thread = threading.Thread(target=lambda: thread_result.extend(run_together([call])))
        thread.start()
        # The request read PC (the approval is not committed) and waits for the row lock.
        wait_until_blocked_on_a_lock()
    thread.join(timeout=30)
    assert thread_result == [(400, ["This anticipation has already been decided."])]
    anticipation.refresh_from_db()
    assert anticipation.status == "A"
    assert RequestLog.objects.filter(action__in=["A", "D"]).count() == 0
    assert OutboxEmail.objects.count() == 0
