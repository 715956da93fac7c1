"""Revocable tokens shared by every API, the daily purge of what expired, and last-seen."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import AccessToken, RefreshToken

from core.auth import access_revoke, refresh_revoke, token_pair_for, tokens_purge
from core.models import TokenBlacklist, User
from core.tasks import purge_tokens
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

REVOKED = {"detail": "Token is blacklisted"}
# ninja_jwt checks its own blacklist while decoding a refresh token, as it always did here.
REFRESH_REFUSED = {"detail": "Token is invalid or expired"}


def me(client, access):
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(client, token):
    return client.post("/api/token/refresh/", {"refresh": token}, content_type="application/json")


def test_an_access_token_names_its_refresh_token_and_a_module_can_add_claims():
    user = make_user()
    pair = token_pair_for(user, claims={"scope": "assessments"})
    access, issued = AccessToken(pair["access"]), RefreshToken(pair["refresh"])
    assert access["rjti"] == issued["jti"]
    assert access["scope"] == "assessments"


def test_a_rotated_pair_is_paired_again(client):
    pair = token_pair_for(make_user())
    rotated = refresh(client, pair["refresh"]).json()
    assert AccessToken(rotated["access"])["rjti"] == RefreshToken(rotated["refresh"])["jti"]


def test_a_revoked_access_token_is_refused_at_once_even_after_it_was_verified(client):
    user = make_user()
    pair = token_pair_for(user)
    assert me(client, pair["access"]).status_code == 200  # verified and kept in the cache
    access_revoke(token=AccessToken(pair["access"]))
    response = me(client, pair["access"])
    assert (response.status_code, response.json()) == (401, REVOKED)
    assert response["WWW-Authenticate"] == "Bearer"
    verify = client.post(
        "/api/token/verify/", {"token": pair["access"]}, content_type="application/json"
    )
    assert (verify.status_code, verify.json()) == (401, REVOKED)


def test_revoking_an_access_token_also_ends_its_refresh_token(client):
    user = make_user()
    pair = token_pair_for(user)
    access = AccessToken(pair["access"])
    issued = RefreshToken(pair["refresh"])
    access_revoke(token=access)
    rows = {row.jti: row for row in TokenBlacklist.objects.all()}
    assert set(rows) == {access["jti"], issued["jti"]}
    assert rows[access["jti"]].token_type == "access"
    assert rows[access["jti"]].rjti == issued["jti"]
    assert rows[issued["jti"]].token_type == "refresh"
    assert rows[issued["jti"]].user == user
    assert BlacklistedToken.objects.filter(token__jti=issued["jti"]).exists()
    response = refresh(client, pair["refresh"])
    assert (response.status_code, response.json()) == (401, REFRESH_REFUSED)
    # Another session of the same user is untouched.
    other = token_pair_for(user)
    assert me(client, other["access"]).status_code == 200
    assert refresh(client, other["refresh"]).status_code == 200


def test_revoking_twice_is_harmless():
    access = AccessToken(token_pair_for(make_user())["access"])
    access_revoke(token=access)
    access_revoke(token=access)
    assert TokenBlacklist.objects.count() == 2


def test_a_revoked_refresh_token_fails_while_its_access_tokens_live_on(client):
    pair = token_pair_for(make_user())
    refresh_revoke(token=RefreshToken(pair["refresh"]))
    assert TokenBlacklist.objects.get().token_type == "refresh"
    response = refresh(client, pair["refresh"])
    assert (response.status_code, response.json()) == (401, REFRESH_REFUSED)
    assert me(client, pair["access"]).status_code == 200


def test_a_token_about_to_expire_is_not_stored():
    access = AccessToken.for_user(make_user())
    access.set_exp(from_time=timezone.now(), lifetime=timedelta(milliseconds=500))
    access_revoke(token=access)
    assert TokenBlacklist.objects.count() == 0


def test_the_blacklist_endpoint_keeps_its_contract(client):
    pair = token_pair_for(make_user())
    response = client.post(
        "/api/token/blacklist/", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (200, {})
    assert refresh(client, pair["refresh"]).status_code == 401


def test_the_purge_forgets_only_what_expired(client):
    user = make_user()
    pair = token_pair_for(user)
    access_revoke(token=AccessToken(pair["access"]))
    fresh = token_pair_for(user)
    access_revoke(token=AccessToken(fresh["access"]))
    refresh(client, token_pair_for(user)["refresh"])  # a rotation: one outstanding, blacklisted
    before = TokenBlacklist.objects.count(), OutstandingToken.objects.count()
    assert tokens_purge() == {"revoked": 0, "outstanding": 0}
    assert (TokenBlacklist.objects.count(), OutstandingToken.objects.count()) == before
    # Past the access lifetime the access rows go; the refresh rows wait for their own expiry.
    later = timezone.now() + timedelta(minutes=31)
    purged = tokens_purge(now=later)
    assert purged["revoked"] == 2 and purged["outstanding"] == 0
    assert set(TokenBlacklist.objects.values_list("token_type", flat=True)) == {"refresh"}
    much_later = timezone.now() + timedelta(days=8)
    tokens_purge(now=much_later)
    assert TokenBlacklist.objects.count() == 0
    assert OutstandingToken.objects.count() == 0
    assert BlacklistedToken.objects.count() == 0


def test_the_purge_runs_daily():
    moment = datetime(2026, 12, 5, 3, 17, tzinfo=timezone.get_current_timezone())
    due = [type(task) for task in HUEY.read_periodic(moment)]
    assert purge_tokens.task_class in due
    assert purge_tokens.task_class not in [
        type(task) for task in HUEY.read_periodic(moment + timedelta(hours=1))
    ]


def test_last_seen_moves_at_most_once_a_minute(client, django_assert_num_queries):
    user = make_user()
    access = token_pair_for(user)["access"]
    long_ago = timezone.now() - timedelta(minutes=5)
    User.objects.filter(pk=user.pk).update(last_seen_at=long_ago)
    assert me(client, access).status_code == 200
    user.refresh_from_db()
    first = user.last_seen_at
    assert first > long_ago
    with django_assert_num_queries(1):  # the user and revocation read, no write
        assert me(client, access).status_code == 200
    user.refresh_from_db()
    assert user.last_seen_at == first
    User.objects.filter(pk=user.pk).update(last_seen_at=first - timedelta(seconds=61))
    assert me(client, access).status_code == 200
    user.refresh_from_db()
    assert user.last_seen_at > first - timedelta(seconds=1)
