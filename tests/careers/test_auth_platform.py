"""Platform tokens on the careers API (spec careers.md §2): refusals, and the profile every
caller gets on first use, named from the account."""

from datetime import timedelta

import pytest
from ninja_jwt.tokens import AccessToken

from core.auth import access_revoke, token_pair_for
from modules.careers.models import CareerProfile
from tests.careers.conftest import V1, careers_state
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

INVALID = {"detail": "Invalid or expired token."}


def test_no_token_is_401_naming_the_missing_credentials(client):
    response = client.get(f"{V1}/user/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def _expired(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


@pytest.mark.parametrize(
    "header",
    [
        lambda user: "Bearer not-a-token",
        lambda user: "Bearer ",
        lambda user: f"Basic {token_pair_for(user)['access']}",
        lambda user: f"Bearer {token_pair_for(user)['refresh']}",
        lambda user: f"Bearer {_expired(user)}",
        lambda user: f"Bearer {token_pair_for(user)['access']}x",
    ],
    ids=["garbage", "empty", "other-scheme", "refresh-token", "expired", "tampered"],
)
def test_a_refused_token_is_401_invalid_or_expired_and_writes_nothing(client, header):
    user = make_user()
    authorization = header(user)
    before = careers_state()
    response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert response.json() == INVALID
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert careers_state() == before


def test_a_revoked_token_is_refused(client):
    user = make_user()
    access = token_pair_for(user)["access"]
    access_revoke(token=AccessToken(access))
    response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 401
    assert response.json() == INVALID
    assert not CareerProfile.objects.exists()


def test_an_inactive_user_is_refused(client):
    user = make_user()
    headers = bearer(user)
    user.is_active = False
    user.save()
    response = client.get(f"{V1}/user/", **headers)
    assert response.status_code == 401
    assert response.json() == INVALID
    assert not CareerProfile.objects.exists()


def test_a_platform_user_gets_a_profile_named_from_the_account_on_first_use(client):
    user = make_user(first_name="Ada", last_name="Lovelace")
    response = client.get(f"{V1}/user/", **bearer(user))
    assert response.status_code == 200
    profile = CareerProfile.objects.get(user=user)
    assert response.json() == {
        "id": user.pk,
        "name": "Ada Lovelace",
        "xref": str(profile.xref),
        "email": user.email,
        "create_date": profile.create_date.isoformat().replace("+00:00", "Z"),
    }
    assert profile.firebase_uid is None
    # Later requests use the same profile.
    assert client.get(f"{V1}/agpoll/dreamjob/", **bearer(user)).status_code == 200
    assert CareerProfile.objects.filter(user=user).count() == 1


def test_a_payments_operator_reads_the_careers_user(client):
    from modules.payments.models import Operator

    operator = make_user(email="olga@example.com", first_name="Olga", last_name="Operator")
    Operator.objects.create(user=operator)
    response = client.get(f"{V1}/user/", **bearer(operator))
    assert response.status_code == 200
    assert response.json()["name"] == "Olga Operator"
    assert response.json()["id"] == operator.pk


def test_only_a_first_name_makes_a_name_without_spaces(client):
    user = make_user(first_name="Plato", last_name="")
    assert client.get(f"{V1}/user/", **bearer(user)).json()["name"] == "Plato"


def test_public_operations_ignore_a_bad_token(client):
    response = client.get(f"{V1}/question/", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 200


def test_authenticated_reads_take_one_query_for_the_caller(client, django_assert_num_queries):
    user = make_user()
    headers = bearer(user)
    client.get(f"{V1}/user/", **headers)  # first use: the profile is made
    # The caller (with the profile's id), then the profile itself.
    with django_assert_num_queries(2):
        assert client.get(f"{V1}/user/", **headers).status_code == 200
