"""The module's reads come from core.fastpath's kept SQL once warm (issue: one fast path)."""

import pytest
from model_bakery import baker

from modules.taskboard.models import Task
from tests.conftest import bearer, make_user
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db


def test_the_task_list_is_kept():
    from django.test import Client

    peter = make_user(username="peter")
    baker.make(Task, creator=peter, performer=peter, _quantity=12)
    assert_fast_reads(Client(), "/api/tasks/", bearer(peter), reads=3)  # user, count, page
