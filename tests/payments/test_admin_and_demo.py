"""Staff pages for every model, decisions from the admin, constraints, and the demo data."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from model_bakery import baker

from core.models import User
from modules.payments.models import Anticipation, Operator, Payment, RequestLog, Supplier
from tests.conftest import bearer, make_user
from tests.payments.conftest import days, make_anticipation, make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/payments/operator/",
        "/admin/payments/operator/add/",
        "/admin/payments/supplier/?q=Supplier",
        "/admin/payments/supplier/add/",
        "/admin/payments/payment/?supplier__id__exact=1",
        "/admin/payments/payment/add/",
        "/admin/payments/anticipation/?status__exact=PC",
        "/admin/payments/requestlog/",
    ],
)
def test_admin_pages_render(staff_client, supplier, operator, url):
    make_anticipation(make_payment(supplier))
    assert staff_client.get(url).status_code == 200


def test_change_pages_render(staff_client, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    for url in (
        f"/admin/payments/supplier/{supplier.pk}/change/",
        f"/admin/payments/payment/{anticipation.payment_id}/change/",
        f"/admin/payments/anticipation/{anticipation.pk}/change/",
        f"/admin/payments/requestlog/{RequestLog.objects.get().pk}/change/",
    ):
        assert staff_client.get(url).status_code == 200


def test_staff_grant_the_operator_role_in_the_admin(client, staff_client):
    user = make_user(email="new-operator@example.com")
    assert client.get("/api/payments/", **bearer(user)).status_code == 403
    response = staff_client.post("/admin/payments/operator/add/", {"user": user.pk})
    assert response.status_code == 302
    assert Operator.objects.filter(user=user).exists()
    user = User.objects.get(pk=user.pk)
    assert client.get("/api/payments/", **bearer(user)).status_code == 200


@pytest.mark.parametrize("reg_number", ["12.345", "abc", "123456789012345", ""])
def test_reg_number_is_digits_only_in_the_admin(staff_client, reg_number):
    user = make_user()
    response = staff_client.post(
        "/admin/payments/supplier/add/",
        {"user": user.pk, "corporate_name": "ACME", "reg_number": reg_number},
    )
    assert response.status_code == 200
    assert Supplier.objects.count() == 0
    errors = response.context["adminform"].form.errors["reg_number"]
    if reg_number == "":
        assert errors == ["This field is required."]
    elif len(reg_number) > 14:
        assert "Ensure this value has at most 14 characters (it has 15)." in errors
    else:
        assert errors == ["Enter digits only (at most 14)."]


def test_a_new_payment_in_the_admin_follows_the_apis_rules(staff_client, supplier):
    body = {"supplier": supplier.pk, "due_date": days(-1).isoformat(), "value": "0"}
    response = staff_client.post("/admin/payments/payment/add/", body)
    assert response.status_code == 200
    assert Payment.objects.count() == 0
    errors = response.context["adminform"].form.errors
    assert errors["due_date"] == ["Inform a date greater than or equal today."]
    assert errors["__all__"] == ["Make sure the value is greater than zero."]
    body.update(due_date=days(0).isoformat(), value="10.00")
    assert staff_client.post("/admin/payments/payment/add/", body).status_code == 302
    assert Payment.objects.get().value == Decimal("10.00")


def test_an_overdue_payment_can_still_be_edited_in_the_admin(staff_client, supplier):
    payment = make_payment(supplier, due_in=-5)
    body = {"supplier": supplier.pk, "due_date": days(-5).isoformat(), "value": "20.00"}
    response = staff_client.post(f"/admin/payments/payment/{payment.pk}/change/", body)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.value == Decimal("20.00")


def test_database_refuses_what_the_rules_forbid(supplier):
    with pytest.raises(IntegrityError), transaction.atomic():
        baker.make(Supplier, user=make_user(), corporate_name="X", reg_number="12-34")
    with pytest.raises(IntegrityError), transaction.atomic():
        baker.make(Payment, supplier=supplier, due_date=days(1), value=0)
    payment = make_payment(supplier)
    anticipation = make_anticipation(payment)
    with pytest.raises(IntegrityError), transaction.atomic():
        baker.make(Anticipation, payment=payment, new_due_date=days(1), new_value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Anticipation.objects.filter(pk=anticipation.pk).update(status="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Anticipation.objects.filter(pk=anticipation.pk).update(new_value=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        baker.make(RequestLog, anticipation=anticipation, action="Z")


def test_operator_approves_from_the_admin(client, supplier):
    user = make_user(email="staff-op@example.com", is_staff=True, is_superuser=True)
    Operator.objects.create(user=user)
    client.force_login(user)
    anticipation = make_anticipation(make_payment(supplier))
    response = client.post(
        "/admin/payments/anticipation/",
        {"action": "approve", "_selected_action": [anticipation.pk]},
    )
    assert response.status_code == 302
    anticipation.refresh_from_db()
    assert anticipation.status == "A"
    assert RequestLog.objects.filter(action="A", user=user).count() == 1
    assert [m.subject for m in mail.outbox] == ["Anticipation approved."]


def test_staff_without_the_operator_role_cannot_decide_from_the_admin(staff_client, supplier):
    anticipation = make_anticipation(make_payment(supplier))
    response = staff_client.post(
        "/admin/payments/anticipation/",
        {"action": "deny", "_selected_action": [anticipation.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Only suppliers or operators can make requests." in response.content.decode()
    anticipation.refresh_from_db()
    assert anticipation.status == "PC"
    assert mail.outbox == []


def test_seed_demo_creates_the_legacy_accounts_once(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    operator = User.objects.get(email="operator01@email.com")
    assert operator.check_password("operator01")
    assert Operator.objects.filter(user=operator).exists()
    for email, password, name, reg_number in (
        ("user01@email.com", "user01", "Supplier 01", "11111111000101"),
        ("user02@email.com", "user02", "Supplier 02", "22222222000102"),
    ):
        supplier = Supplier.objects.get(user__email=email)
        assert supplier.user.check_password(password)
        assert (supplier.corporate_name, supplier.reg_number) == (name, reg_number)
        payments = supplier.payments.order_by("due_date")
        assert [(p.due_date, str(p.value)) for p in payments] == [
            (days(10), "1000.00"),
            (days(20), "2000.00"),
            (days(30), "3000.00"),
        ]
    token = client.post(
        "/api/token/",
        {"email": "operator01@email.com", "password": "operator01"},
        content_type="application/json",
    ).json()["access"]
    response = client.get("/api/payments/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["count"] == 6
