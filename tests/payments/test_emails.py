"""The supplier's emails: one per event, text and HTML, through the core outbox."""

import pytest
from django.core import mail
from django.utils import translation

from core.models import OutboxEmail
from modules.payments.models import Anticipation
from tests.payments.conftest import days, make_anticipation, make_payment, make_supplier

pytestmark = pytest.mark.django_db


def request(client, headers, payment, new_due_date):
    return client.post(
        "/api/anticipations/",
        {"payment": payment.pk, "new_due_date": new_due_date.isoformat()},
        content_type="application/json",
        **headers,
    )


def test_request_email_text_and_html(client, as_operator, supplier):
    payment = make_payment(supplier, due_in=30, value="1100.00")
    new_date = days(15)
    assert request(client, as_operator, payment, new_date).status_code == 201
    (message,) = mail.outbox
    assert message.subject == "New anticipation requested."
    assert message.to == ["user01@email.com"]
    assert message.from_email == "Platform <noreply@example.com>"
    assert message.body == (
        "Check the new anticipation requested\n"
        "\n"
        "Supplier: Supplier 01\n"
        "Original value (US$): 1,100.00\n"
        "New value (US$): 1,083.50\n"
        f"New due date: {new_date.isoformat()}\n"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<h2>Check the new anticipation requested</h2>" in html
    assert "<p>Supplier: Supplier 01</p>" in html
    assert "<p>Original value (US$): 1,100.00</p>" in html
    assert "<p>New value (US$): 1,083.50</p>" in html
    assert f"<p>New due date: {new_date.isoformat()}</p>" in html


@pytest.mark.parametrize(
    ("status", "subject", "heading"),
    [
        ("A", "Anticipation approved.", "Anticipation approved"),
        ("D", "Anticipation denied.", "Anticipation denied"),
    ],
)
def test_decision_emails(client, as_operator, supplier, status, subject, heading):
    anticipation = make_anticipation(make_payment(supplier, due_in=30, value="1234567.80"))
    response = client.patch(
        f"/api/anticipations/{anticipation.pk}/",
        {"status": status},
        content_type="application/json",
        **as_operator,
    )
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.subject == subject
    assert message.body.splitlines()[0] == heading
    assert "Original value (US$): 1,234,567.80" in message.body
    assert f"<h2>{heading}</h2>" in message.alternatives[0][0]
    email = OutboxEmail.objects.get()
    assert (email.status, email.max_retries, email.retry_delay) == ("sent", 3, 300)


def test_names_are_escaped_in_html_but_not_in_text(client, as_operator):
    supplier = make_supplier("Tom & <Jerry>", email="tj@example.com")
    request(client, as_operator, make_payment(supplier, due_in=5), days(1))
    (message,) = mail.outbox
    assert "Supplier: Tom & <Jerry>\n" in message.body
    assert "<p>Supplier: Tom &amp; &lt;Jerry&gt;</p>" in message.alternatives[0][0]


def test_supplier_without_email_gets_none_but_the_request_succeeds(client, as_operator):
    supplier = make_supplier("Quiet Ltd", email="")
    response = request(client, as_operator, make_payment(supplier, due_in=5), days(1))
    assert response.status_code == 201
    assert Anticipation.objects.count() == 1
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_email_waits_for_the_commit(
    as_operator, supplier, operator, django_capture_on_commit_callbacks
):
    from modules.payments.services import anticipation_create

    payment = make_payment(supplier, due_in=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        anticipation_create(actor=operator, payment=payment, new_due_date=days(1))
    # The row is written with the anticipation; delivery is only woken once it commits.
    assert OutboxEmail.objects.get().status == "queued"
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert OutboxEmail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", ["A", "D"])
def test_decisions_for_a_supplier_without_email_send_none(client, as_operator, status):
    anticipation = make_anticipation(make_payment(make_supplier("Quiet Ltd", email=""), due_in=9))
    response = client.patch(
        f"/api/anticipations/{anticipation.pk}/",
        {"status": status},
        content_type="application/json",
        **as_operator,
    )
    assert response.status_code == 200
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_amounts_ignore_the_active_locale(client, as_operator, supplier, settings):
    # A Brazilian locale would write 1.234.567,80; the legacy emails always read 1,234,567.80.
    settings.USE_THOUSAND_SEPARATOR = True
    payment = make_payment(supplier, due_in=30, value="1234567.80")
    with translation.override("pt-br"):
        assert request(client, as_operator, payment, days(15)).status_code == 201
    (message,) = mail.outbox
    assert "Original value (US$): 1,234,567.80\n" in message.body
    assert "New value (US$): 1,216,049.28\n" in message.body
    assert "<p>New value (US$): 1,216,049.28</p>" in message.alternatives[0][0]
