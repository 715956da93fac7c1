import pytest
from django.test import RequestFactory

from core.errors import NotFound
from core.models import User
from core.pagination import LimitOffsetPagination, PageNumberPagination
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return [make_user() for _ in range(25)]


def page(query, **kwargs):
    request = RequestFactory().get("/api/things/", query)
    paginator = PageNumberPagination(**kwargs)
    params = paginator.Input(**{k: v for k, v in query.items() if k in ("page", "page_size")})
    return paginator.paginate_queryset(User.objects.order_by("id"), params, request)


def test_page_numbers_keep_other_parameters(users):
    body = page({"page": "2", "status": "A"})
    assert body["count"] == 25
    assert [u.pk for u in body["results"]] == [u.pk for u in users[10:20]]
    assert body["next"] == "http://testserver/api/things/?page=3&status=A"
    assert body["previous"] == "http://testserver/api/things/?status=A"
    last = page({"page": "last"})
    assert len(last["results"]) == 5 and last["next"] is None
    assert last["previous"] == "http://testserver/api/things/?page=2"


@pytest.mark.parametrize(
    ("size", "expected"), [("5", 5), ("500", 25), ("0", 10), ("x", 10), ("-3", 10)]
)
def test_page_size_is_capped_and_falls_back(users, size, expected):
    assert len(page({"page_size": size}, max_page_size=25)["results"]) == expected


@pytest.mark.parametrize("number", ["0", "4", "abc", "-1"])
def test_invalid_page_is_404(users, number):
    with pytest.raises(NotFound) as caught:
        page({"page": number})
    assert caught.value.detail == "Invalid page."


def test_empty_list_is_page_one():
    body = page({})
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def offset(query):
    request = RequestFactory().get("/api/tasks/", query)
    paginator = LimitOffsetPagination()
    params = paginator.Input(**{k: v for k, v in query.items() if k in ("limit", "offset")})
    return paginator.paginate_queryset(User.objects.order_by("id"), params, request)


def test_limit_offset_links(users):
    body = offset({"limit": "10", "offset": "20", "search": "ny"})
    assert len(body["results"]) == 5
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/tasks/?limit=10&offset=10&search=ny"
    second = offset({"limit": "10", "offset": "10", "search": "ny"})
    assert second["previous"] == "http://testserver/api/tasks/?limit=10&search=ny"
    assert second["next"] == "http://testserver/api/tasks/?limit=10&offset=20&search=ny"
    assert offset({"offset": "99"})["results"] == []
    assert len(offset({"limit": "abc", "offset": "x"})["results"]) == 10
    assert len(offset({"limit": "1000"})["results"]) == 25
