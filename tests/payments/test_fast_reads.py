"""The module's reads come from core.fastpath's kept SQL once warm (issue: one fast path)."""

import pytest

from tests.payments.conftest import make_payment
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db


def test_list_and_detail_reads_are_kept(client, supplier, as_operator):
    payment = make_payment(supplier=supplier)
    make_payment(supplier=supplier)
    assert_fast_reads(client, "/api/payments/", as_operator, reads=3)  # user, count, page
    assert_fast_reads(client, f"/api/payments/{payment.pk}/", as_operator, reads=2)
