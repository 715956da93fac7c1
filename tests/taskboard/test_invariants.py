"""Rules the database itself keeps, so a write that skips the services cannot break them."""

import pytest
from django.db import IntegrityError, transaction

from modules.taskboard.models import Comment, Task
from tests.taskboard.conftest import make_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"name": ""}, id="blank-name"),
        pytest.param({"specification": ""}, id="blank-specification"),
        pytest.param({"status": "x"}, id="unknown-status"),
        pytest.param({"delegated": False, "delegated_by": "mary"}, id="delegator-without-flag"),
    ],
)
def test_the_database_refuses_a_broken_task(peter, mary, fields):
    if fields.get("delegated_by") == "mary":
        fields["delegated_by"] = mary

    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            **{"name": "ok", "specification": "ok", "creator": peter, "performer": mary, **fields}
        )

    assert not Task.objects.exists()


def test_a_delegation_survives_the_delegator_leaving(peter, mary, eve):
    task = make_task(creator=peter, performer=eve, delegated=True, delegated_by=mary)

    mary.delete()

    task.refresh_from_db()
    assert (task.delegated, task.delegated_by) == (True, None)


def test_the_database_refuses_a_blank_comment(peter):
    task = make_task(creator=peter)

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(task=task, author=peter, description="")

    assert not Comment.objects.exists()
