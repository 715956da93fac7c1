"""Races on core's one-winner rules, against real PostgreSQL: threads with their own connections.

Two refreshes of one refresh token rotate it once; several workers woken for one email claim it
once and send it once. Each call starts at the same instant on its own thread and connection.
"""

from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import RefreshToken

from core import jobs
from core.mail.services import OUTBOX_QUEUE, email_deliver
from core.models import OutboxEmail
from tests.conftest import make_user
from tests.support import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def post_refresh(refresh: str) -> Callable[[], object]:
    def call() -> tuple[int, object]:
        response = Client().post(
            "/api/token/refresh/", {"refresh": refresh}, content_type="application/json"
        )
        return response.status_code, response.json()

    return call


def test_services_run_is_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_refreshes_of_one_token_rotate_it_once(attempt):
    user = make_user()
    used = RefreshToken.for_user(user)
    assert OutstandingToken.objects.count() == 1
    results = run_together([post_refresh(str(used)), post_refresh(str(used))])
    assert sorted(result[0] for result in results) == [200, 401], results
    (winner,) = [body for status, body in results if status == 200]
    (loser,) = [body for status, body in results if status == 401]
    assert list(winner) == ["access", "refresh"]
    # Blacklisted while the loser was rotating it, or already before the loser read it.
    assert loser in ({"detail": "Token is blacklisted"}, {"detail": "Token is invalid or expired"})
    # The used token is revoked once; only the winner's new refresh token was issued.
    new_jti = RefreshToken(winner["refresh"])["jti"]
    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {used["jti"], new_jti}
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == [used["jti"]]


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_claims_of_one_email_have_one_winner(attempt):
    email = OutboxEmail.objects.create(
        to=["ada@example.com"], subject="s", text="t", from_email="f@x"
    )
    results = run_together([lambda: jobs.claim(OUTBOX_QUEUE, email.pk) for _ in range(6)])
    assert sorted(results, key=str) == [False] * 5 + [True], results
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENDING
    assert email.attempts == 1


@pytest.mark.parametrize("attempt", range(5))
def test_simultaneous_wake_ups_for_one_email_deliver_it_once(attempt):
    email = OutboxEmail.objects.create(
        to=["ada@example.com"], subject="Once only", text="t", from_email="f@x"
    )
    results = run_together([lambda: email_deliver(email_id=email.pk) for _ in range(6)])
    assert sorted(results, key=str) == ["sent"] + ["skipped"] * 5, results
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert [message.subject for message in mail.outbox] == ["Once only"]
