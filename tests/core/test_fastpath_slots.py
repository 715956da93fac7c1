"""Prepared reads (core.fastpath.prepared): UUID arguments bound as the backend stores them,
``values()`` rows named in the order the query selects them, and a list's total prepared as a
one-row count. Each answers as the ORM does, on and off, and is counted as a hit."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.db.models import F, Q

from core import fastpath
from core.models import User
from modules.batches.models import Document
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    fastpath.reset()


def _document(organization: Group, name: str) -> Document:
    return Document.objects.create(
        organization=organization,
        file_name=name,
        content_type="text/plain",
        size=1,
        sha256="0" * 64,
        ic01="A1",
    )


def _named(pk, user_id):
    """A UUID and an int among the arguments, the UUID in a filter and in a subquery."""
    others = Document.objects.filter(pk=pk).values("organization_id")
    return (
        Document.objects.filter(Q(pk=pk) | Q(organization__user__id=user_id))
        .filter(organization_id__in=others)
        .values("file_name")
        .distinct()
        .order_by("file_name")
    )


@pytest.mark.parametrize("fast", [True, False])
def test_a_uuid_argument_is_bound_and_answers_as_the_orm(settings, fast):
    settings.QUERY_FAST_PATH = fast
    group = Group.objects.create(name="acme")
    ada = make_user()
    ada.groups.add(group)
    first, second = _document(group, "one.txt"), _document(group, "two.txt")
    other = _document(Group.objects.create(name="other"), "three.txt")
    for document, user_id in ((first, ada.pk), (second, 0), (other, ada.pk), (uuid.uuid4(), 0)):
        expected = list(_named(document if isinstance(document, uuid.UUID) else document.pk,
                               user_id))  # fmt: skip
        pk = document if isinstance(document, uuid.UUID) else document.pk
        assert fastpath.prepared("test.uuid", _named, pk, user_id) == expected
    assert expected == []
    assert fastpath.stats.hits == (4 if fast else 0)
    assert fastpath.stats.refused == 0


def test_a_read_whose_field_refuses_a_stand_in_is_not_prepared_and_still_answers():
    """A string where a UUID goes cannot be stood in for: that read takes the ORM path, as does
    a string given to a read prepared for a UUID."""
    document = _document(Group.objects.create(name="acme"), "one.txt")

    def by_pk(pk):
        return Document.objects.filter(pk=pk).values("file_name")

    found = [{"file_name": "one.txt"}]
    assert fastpath.prepared("test.text", by_pk, str(document.pk)) == found
    assert fastpath.stats.hits == 0
    assert fastpath.prepared("test.uuid", by_pk, document.pk) == found
    assert fastpath.prepared("test.uuid", by_pk, str(document.pk)) == found
    assert fastpath.stats.hits == 1


def test_values_rows_are_named_in_the_order_the_query_selects_them():
    """An annotation named before plain columns in ``values()`` is selected first: each value
    must land under its own name, as ``ValuesIterable`` names them."""
    ada = make_user(email="ada@example.com", first_name="Ada", last_name="Lovelace")

    def columns(pk):
        return User.objects.filter(pk=pk).values(
            "email", shout=F("first_name"), last=F("last_name")
        )

    def mixed(pk):
        return (
            User.objects.filter(pk=pk)
            .annotate(shout=F("first_name"))
            .values("shout", "email", "last_name")
        )

    for name, build in (("test.columns", columns), ("test.mixed", mixed)):
        expected = list(build(ada.pk))
        found = fastpath.prepared(name, build, ada.pk)
        assert found == expected
        assert [list(row) for row in found] == [list(row) for row in expected]
    assert found == [{"shout": "Ada", "email": "ada@example.com", "last_name": "Lovelace"}]
    assert fastpath.stats.hits == 2


@pytest.mark.parametrize("fast", [True, False])
def test_a_prepared_count_equals_the_orms(settings, fast):
    settings.QUERY_FAST_PATH = fast
    for n in range(5):
        make_user(email=f"u{n}@example.com", is_staff=n % 2 == 0)

    def matching(needle):
        return User.objects.filter(email__startswith=needle, is_staff=True).order_by("-id")

    for needle in ("u", "u1", "nobody", "u%"):
        expected = matching(needle).count()
        assert fastpath.prepared_count("test.count", matching, needle) == expected
    assert fastpath.prepared_count("test.count", matching, "u") == 3
    assert fastpath.stats.hits == (5 if fast else 0)
    assert list(fastpath.counting(User.objects.filter(pk=0))) == [{"total": 0}]


@pytest.mark.parametrize("fast", [True, False])
def test_a_prepared_values_list_read_answers_tuples_as_the_orm(settings, fast):
    settings.QUERY_FAST_PATH = fast
    ada = make_user(email="ada@example.com", first_name="Ada")
    make_user(email="bob@example.com", first_name="Bob")

    def listed(needle):
        users = User.objects.filter(email__contains=needle).order_by("email")
        return users.values_list("email", "date_joined", "first_name")

    for needle in ("@example", "ada", "nobody"):
        assert fastpath.prepared("test.tuples", listed, needle) == list(listed(needle))
    assert fastpath.prepared("test.tuples", listed, "ada") == [
        ("ada@example.com", ada.date_joined, "Ada")
    ]
    assert fastpath.stats.hits == (4 if fast else 0)
    flat = fastpath.prepared(
        "test.flat", lambda pk: User.objects.filter(pk=pk).values_list("email", flat=True), ada.pk
    )
    assert flat == ["ada@example.com"]  # not kept: flat rows take the ORM path
