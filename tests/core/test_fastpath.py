"""The one fast path for reads: the same results as the ORM, used (counted), never freezing a
parameter, refusing what it cannot rebuild, and switched off by a setting."""

from datetime import timedelta

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from core import fastpath
from core.models import User
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    fastpath.reset()


def snapshot(users):
    return [(u.pk, u.email, u.is_active, getattr(u, "label", None)) for u in users]


def test_rows_and_counts_equal_the_orms_and_the_second_read_is_a_hit():
    for n in range(6):
        make_user(email=f"u{n}@example.com")
    queryset = (
        User.objects.filter(email__startswith="u")
        .annotate(label=Concat(F("email"), Value("!")))
        .order_by("-id")[1:4]
    )
    first = fastpath.rows(queryset)
    assert (fastpath.stats.misses, fastpath.stats.hits) == (1, 0)
    second = fastpath.rows(queryset)
    assert (fastpath.stats.misses, fastpath.stats.hits) == (1, 1)
    assert snapshot(first) == snapshot(second) == snapshot(list(queryset))
    counted = User.objects.filter(email__startswith="u")
    assert fastpath.count(counted) == fastpath.count(counted) == counted.count() == 6
    assert fastpath.stats.hits == 2


def test_results_are_identical_with_the_fast_path_off(settings):
    for n in range(4):
        make_user(email=f"u{n}@example.com")
    queryset = User.objects.order_by("email")
    fast = [snapshot(fastpath.rows(queryset)) for _ in range(2)]
    settings.QUERY_FAST_PATH = False
    before = fastpath.stats.hits
    slow = [snapshot(fastpath.rows(queryset)) for _ in range(2)]
    assert fast == slow
    assert fastpath.stats.hits == before  # off means off
    assert fastpath.count(queryset) == 4


def test_a_parameter_that_changes_is_never_frozen(monkeypatch):
    """A filter on ``timezone.now()`` (as a ``users()`` override might have) sees each call's
    value: the parameters are part of the key, so another value is another query."""
    now = timezone.now()
    later = make_user(email="later@example.com", date_joined=now + timedelta(hours=1))

    def joined():
        return User.objects.filter(date_joined__lte=timezone.now()).order_by("id")

    assert later not in fastpath.rows(joined())
    assert later not in fastpath.rows(joined())
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    assert later in fastpath.rows(joined())


def test_a_bearer_whose_users_filter_on_the_clock_follows_the_clock(client, monkeypatch):
    from core.auth import JWTBearer

    class JoinedBearer(JWTBearer):
        def users(self):
            return User.objects.filter(date_joined__lte=timezone.now())

    now = timezone.now()
    user = make_user(date_joined=now + timedelta(hours=1))
    token = bearer(user)["HTTP_AUTHORIZATION"].split()[1]
    bearer_ = JoinedBearer()

    class Request:
        headers = {}

    assert bearer_.authenticate(Request(), token) is None
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    assert bearer_.authenticate(Request(), token) == user


def test_what_cannot_be_rebuilt_is_refused_and_answered_by_the_orm():
    make_user(email="a@example.com")
    prefetching = User.objects.prefetch_related("groups").order_by("id")
    assert [u.email for u in fastpath.rows(prefetching)] == ["a@example.com"]
    values = User.objects.values("email")
    assert fastpath.rows(values) == [{"email": "a@example.com"}]
    assert fastpath.stats.refused == 2 and fastpath.stats.hits == 0


def test_every_authenticated_request_reads_its_user_through_it(client):
    user = make_user()
    headers = bearer(user)
    for _ in range(3):  # the first reads compile (shared expressions settle on the second)
        assert client.get("/api/me/", **headers).status_code == 200
    before = (fastpath.stats.hits, fastpath.stats.misses)
    for _ in range(4):
        assert client.get("/api/me/", **headers).status_code == 200
    assert (fastpath.stats.hits, fastpath.stats.misses) == (before[0] + 4, before[1])


def _named(kind):
    return lambda pk, email: User.objects.filter(pk=pk, email=email)


def test_a_prepared_read_binds_its_arguments_and_answers_as_the_orm():
    ada, bob = make_user(email="ada@example.com"), make_user(email="bob@example.com")
    build = _named("any")
    assert fastpath.prepared_first("test.named", build, ada.pk, ada.email) == ada
    assert fastpath.prepared_first("test.named", build, bob.pk, bob.email) == bob
    assert fastpath.prepared_first("test.named", build, bob.pk, ada.email) is None
    assert fastpath.stats.hits == 3 and fastpath.stats.refused == 0
    # An argument inside a LIKE pattern is bound escaped, as Django escapes it.
    starting = lambda pk, needle: User.objects.filter(pk=pk, email__startswith=needle)  # noqa: E731
    assert fastpath.prepared_first("test.like", starting, ada.pk, "ada") == ada
    assert fastpath.prepared_first("test.like", starting, ada.pk, "a%a") is None
    assert fastpath.prepared_first("test.like", starting, ada.pk, "bob") is None
    assert fastpath.stats.hits == 6 and fastpath.stats.refused == 0


def test_a_prepared_values_read_answers_dicts_as_the_orm():
    ada = make_user(email="ada@example.com", first_name="Ada")

    def names(pk, needle):
        return User.objects.filter(pk=pk, email__contains=needle).values("email", "first_name")

    expected = list(names(ada.pk, "@example"))
    assert fastpath.prepared("test.values", names, ada.pk, "@example") == expected
    assert fastpath.prepared("test.values", names, ada.pk, "nobody") == []
    assert fastpath.stats.hits == 2


def test_a_prepared_read_whose_query_changes_between_builds_is_refused():
    ada = make_user(email="ada@example.com")

    def joined(pk, needle):
        return User.objects.filter(pk=pk, email__startswith=needle, date_joined__lte=timezone.now())

    for _ in range(2):
        assert fastpath.prepared_first("test.clock", joined, ada.pk, "ada") == ada
    assert fastpath.stats.hits == 0 and fastpath.stats.refused == 2


def test_a_prepared_read_with_a_date_among_its_fixed_parameters_is_refused():
    """A date computed per build would look the same twice in a row and drift at midnight."""
    ada = make_user(email="ada@example.com")

    def today(pk, needle):
        return User.objects.filter(
            pk=pk, email__startswith=needle, date_joined__date__lte=timezone.localdate()
        )

    assert fastpath.prepared_first("test.today", today, ada.pk, "ada") == ada
    assert fastpath.stats.refused == 1 and fastpath.stats.hits == 0


def test_a_prepared_read_is_off_with_the_fast_path(settings):
    ada = make_user(email="ada@example.com")
    settings.QUERY_FAST_PATH = False
    assert fastpath.prepared_first("test.off", _named("x"), ada.pk, ada.email) == ada
    assert fastpath.stats.hits == 0
