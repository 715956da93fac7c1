"""The real path of an anticipation email: Redis, a run_huey consumer and a local SMTP server."""

import pytest
from django.test import Client

from core.models import OutboxEmail
from tests.conftest import bearer
from tests.payments.conftest import days, make_payment
from tests.support import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_request_email_reaches_smtp_with_text_and_html(huey_worker, smtp_sink, supplier):
    smtp_sink.start()
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    payment = make_payment(supplier, due_in=30, value="1100.00")
    response = Client().post(
        "/api/anticipations/",
        {"payment": payment.pk, "new_due_date": days(15).isoformat()},
        content_type="application/json",
        **bearer(supplier.user),
    )
    assert response.status_code == 201
    wait_for(lambda: OutboxEmail.objects.filter(status="sent").exists(), timeout=30)
    (message,) = smtp_sink.messages
    assert message["Subject"] == "New anticipation requested."
    assert message["To"] == "user01@email.com"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "New value (US$): 1,083.50" in parts["text/plain"]
    assert "<h2>Check the new anticipation requested</h2>" in parts["text/html"]
