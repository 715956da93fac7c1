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
    assert caught.value.message == "Invalid page."


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


# Kept SQL: a repeated page or count runs the SQL compiled the first time, and reads fresh rows.


def test_repeated_page_reads_fresh_rows_with_the_same_queries(users, django_assert_num_queries):
    first = page({"page": "3"})
    with django_assert_num_queries(2):
        again = page({"page": "3"})
    assert [u.pk for u in again["results"]] == [u.pk for u in first["results"]]
    User.objects.filter(pk=users[-1].pk).update(first_name="Renamed")
    added = make_user()
    with django_assert_num_queries(2):
        third = page({"page": "3"})
    assert third["count"] == 26
    assert [(u.pk, u.first_name) for u in third["results"]] == [
        (u.pk, "Renamed" if u.pk == users[-1].pk else u.first_name) for u in users[20:]
    ] + [(added.pk, added.first_name)]


def test_kept_page_builds_the_same_objects_as_the_orm(users):
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from core.pagination import count_items, page_items

    queryset = (
        User.objects.only("id", "email", "last_login", "is_active")
        .annotate(label=Concat(F("email"), Value("!")))
        .order_by("-id")
    )
    for _ in range(2):
        assert count_items(queryset) == queryset.count() == 25
        kept = page_items(queryset, 3, 8)
        expected = list(queryset[3:8])
        assert [(u.pk, u.email, u.is_active, u.label) for u in kept] == [
            (u.pk, u.email, u.is_active, u.label) for u in expected
        ]
        assert all(
            u.get_deferred_fields() == e.get_deferred_fields() for u, e in zip(kept, expected)
        )
        assert type(kept[0].is_active) is bool


def test_kept_page_follows_select_related_and_filter_values():
    # Core's own rows with relations: the refresh tokens of ninja-jwt's blacklist, whose user may
    # be null, and the blacklist entries that point at them (a related row two levels deep).
    from datetime import timedelta

    from django.utils import timezone
    from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from core.pagination import count_items, page_items

    peter = make_user(username="peter")
    expires = timezone.now() + timedelta(days=1)
    for i in range(3):
        OutstandingToken.objects.create(
            user=peter, jti=f"peter-{i}", token=f"t{i}", expires_at=expires
        )
    OutstandingToken.objects.create(user=None, jti="nobody-0", token="other", expires_at=expires)
    for jti in ("peter-1", "nobody-0"):
        BlacklistedToken.objects.create(token=OutstandingToken.objects.get(jti=jti))

    def tokens(prefix):
        return (
            OutstandingToken.objects.filter(jti__startswith=prefix)
            .select_related("user")
            .order_by("id")
        )

    def revoked(prefix):
        return (
            BlacklistedToken.objects.filter(token__jti__startswith=prefix)
            .select_related("token__user")
            .order_by("id")
        )

    for _ in range(2):
        assert count_items(tokens("peter")) == 3 and count_items(tokens("nobody")) == 1
        rows = page_items(tokens("peter"), 0, 10)
        assert [(t.token, t.user.username) for t in rows] == [
            ("t0", "peter"),
            ("t1", "peter"),
            ("t2", "peter"),
        ]
        [other] = page_items(tokens("nobody"), 0, 10)
        assert (other.token, other.user) == ("other", None)
        [mine] = page_items(revoked("peter"), 0, 10)
        assert (mine.token.jti, mine.token.user.username) == ("peter-1", "peter")
        [orphan] = page_items(revoked("nobody"), 0, 10)
        assert (orphan.token.jti, orphan.token.user) == ("nobody-0", None)
        assert page_items(OutstandingToken.objects.none(), 0, 10) == []
        assert count_items(OutstandingToken.objects.none()) == 0


def test_a_query_with_a_large_state_is_answered_but_not_kept(users):
    from core.fastpath import _kept
    from core.pagination import count_items, page_items

    long_search = "x" * 10_000
    queryset = User.objects.exclude(email=long_search).order_by("id")
    before = sum(len(store) for store in _kept.values())
    for _ in range(2):
        assert count_items(queryset) == 25
        assert [u.pk for u in page_items(queryset, 0, 5)] == [u.pk for u in users[:5]]
    assert sum(len(store) for store in _kept.values()) == before
