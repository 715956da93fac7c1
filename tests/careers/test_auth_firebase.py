"""Firebase ID tokens are verified (spec careers.md §2): signature against the published
certificates, every claim, certificate caching, and safe provisioning and linking."""

import time

import pytest
from django.core.cache import cache

from core.models import User
from modules.careers import firebase as firebase_module
from modules.careers.models import CareerProfile
from tests.careers.conftest import V1, careers_state
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

INVALID = {"detail": "Invalid or expired token."}
UNAVAILABLE = {"detail": "Authentication service unavailable."}
TAKEN = {"detail": "This email belongs to another account."}


def get_user(client, headers):
    return client.get(f"{V1}/user/", **headers)


def test_a_valid_token_provisions_an_account_and_profile(client, firebase):
    response = get_user(client, firebase.headers())
    assert response.status_code == 200
    user = User.objects.get(email="fiona@example.com")
    profile = CareerProfile.objects.get(user=user)
    assert response.json() == {
        "id": user.pk,
        "name": "Fiona Fire",
        "xref": str(profile.xref),
        "email": "fiona@example.com",
        "create_date": profile.create_date.isoformat().replace("+00:00", "Z"),
    }
    assert not user.has_usable_password()
    assert (profile.firebase_uid, profile.firebase_name_claim) == ("uid-1", "Fiona Fire")
    assert firebase.server.hits == 1


def test_the_same_uid_is_the_same_account_and_the_certificates_are_kept(client, firebase):
    first = get_user(client, firebase.headers()).json()
    second = get_user(client, firebase.headers())
    assert second.status_code == 200
    assert second.json() == first
    assert User.objects.count() == CareerProfile.objects.count() == 1
    assert firebase.server.hits == 1


def test_without_a_project_id_firebase_tokens_are_refused(client, firebase, settings):
    settings.FIREBASE_PROJECT_ID = ""
    before = careers_state()
    response = get_user(client, firebase.headers())
    assert response.status_code == 401
    assert response.json() == INVALID
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert careers_state() == before
    assert firebase.server.hits == 0


def _now():
    return int(time.time())


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"aud": "another-project"}, id="audience"),
        pytest.param({"iss": "https://securetoken.google.com/another-project"}, id="issuer"),
        pytest.param({"iss": "https://accounts.google.com"}, id="issuer-google"),
        pytest.param({"exp": "soon"}, id="exp-not-a-number"),
        pytest.param({"iat": None}, id="no-iat"),
        pytest.param({"auth_time": None}, id="no-auth-time"),
        pytest.param({"sub": None}, id="no-sub"),
        pytest.param({"sub": ""}, id="empty-sub"),
        pytest.param({"sub": "u" * 129}, id="sub-too-long"),
        pytest.param({"sub": 42}, id="sub-not-a-string"),
        pytest.param({"email": None}, id="no-email"),
        pytest.param({"email": ""}, id="empty-email"),
        pytest.param({"aud": None}, id="no-audience"),
    ],
)
def test_a_token_breaking_a_claim_rule_is_refused_and_writes_nothing(client, firebase, overrides):
    before = careers_state()
    response = get_user(client, firebase.headers(**overrides))
    assert response.status_code == 401
    assert response.json() == INVALID
    assert careers_state() == before


def test_expiry_is_strict_and_issue_times_have_a_minute_of_leeway(client, firebase):
    now = _now()
    refused = [
        {"exp": now - 1},
        {"iat": now + 90},
        {"auth_time": now + 90},
    ]
    for overrides in refused:
        assert get_user(client, firebase.headers(**overrides)).json() == INVALID, overrides
    assert User.objects.count() == 0
    accepted = get_user(client, firebase.headers(iat=now + 30, auth_time=now + 30))
    assert accepted.status_code == 200


def test_a_sub_of_128_characters_is_a_uid(client, firebase):
    response = get_user(client, firebase.headers(sub="u" * 128))
    assert response.status_code == 200
    assert CareerProfile.objects.get().firebase_uid == "u" * 128


def test_a_forged_signature_is_refused(client, firebase):
    # Names the published key but is signed by another one.
    forged = firebase.token(kid="kid-0", key_of="kid-1")
    response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert response.json() == INVALID
    assert User.objects.count() == 0


def test_a_token_with_its_payload_altered_is_refused(client, firebase):
    header, _payload, signature = firebase.token().split(".")
    _header, other_payload, _ = firebase.token(sub="uid-2", email="eve@example.com").split(".")
    spliced = f"{header}.{other_payload}.{signature}"
    response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=f"Bearer {spliced}")
    assert response.json() == INVALID
    assert User.objects.count() == 0


def test_an_unsigned_or_symmetric_token_never_counts_as_firebase(client, firebase):
    import jwt

    claims = firebase.claims()
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "kid-0"})
    # The certificate's text as an HMAC secret: the classic RS256/HS256 confusion.
    confused = jwt.encode(claims, "x" * 64, algorithm="HS256", headers={"kid": "kid-0"})
    for token in (unsigned, confused):
        response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401
        assert response.json() == INVALID
    assert User.objects.count() == 0


def test_no_certificates_and_none_kept_is_503_and_writes_nothing(client, firebase):
    firebase.server.status = 500
    before = careers_state()
    response = get_user(client, firebase.headers())
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert careers_state() == before
    # Once the server is back, the same token works.
    firebase.server.status = 200
    assert get_user(client, firebase.headers()).status_code == 200


def test_an_unreachable_certificate_server_is_503(client, firebase):
    firebase.server.stop()
    response = get_user(client, firebase.headers())
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_a_document_that_is_not_certificates_is_503(client, firebase):
    firebase.server.document = ["not", "a", "mapping"]  # type: ignore[assignment]
    response = get_user(client, firebase.headers())
    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_kept_certificates_serve_while_the_server_is_down(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    firebase.server.status = 503
    assert get_user(client, firebase.headers(sub="uid-2", email="g@example.com")).status_code == 200
    assert firebase.server.hits == 1


def test_certificates_are_kept_for_the_max_age_of_their_response(client, firebase):
    firebase.server.cache_control = "public, max-age=0"
    assert get_user(client, firebase.headers()).status_code == 200
    assert get_user(client, firebase.headers()).status_code == 200
    assert firebase.server.hits == 2  # max-age=0: nothing kept


def test_without_max_age_certificates_are_kept_an_hour(client, firebase):
    firebase.server.cache_control = None
    assert get_user(client, firebase.headers()).status_code == 200
    assert get_user(client, firebase.headers()).status_code == 200
    assert firebase.server.hits == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("public, max-age=19845, must-revalidate, no-transform", 19845),
        ('max-age="120"', 120),
        ("no-cache", 3600),
        (None, 3600),
        ("s-maxage=5", 3600),
    ],
)
def test_max_age_is_read_from_cache_control(header, seconds):
    assert firebase_module.max_age(header) == seconds


def test_an_unknown_kid_refetches_the_certificates(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    firebase.publish("kid-0", "kid-1")  # Google rotated keys
    response = get_user(client, firebase.headers(kid="kid-1"))
    assert response.status_code == 200
    assert firebase.server.hits == 2


def test_unknown_kids_refetch_at_most_once_per_interval(client, firebase, monkeypatch):
    assert firebase_module.REFETCH_EVERY == 60
    monkeypatch.setattr(firebase_module, "REFETCH_EVERY", 1)
    assert get_user(client, firebase.headers()).status_code == 200
    unknown = firebase.headers(kid="kid-9", key_of="kid-0")
    for _ in range(3):
        assert get_user(client, unknown).json() == INVALID
    assert firebase.server.hits == 2  # the first fetch, then one refetch for all three
    firebase.publish("kid-0", "kid-1")
    assert get_user(client, firebase.headers(kid="kid-1")).json() == INVALID
    assert firebase.server.hits == 2
    time.sleep(1.2)
    assert get_user(client, firebase.headers(kid="kid-1")).status_code == 200
    assert firebase.server.hits == 3


def test_an_unknown_kid_with_the_server_down_is_401_not_503(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    firebase.server.status = 500
    response = get_user(client, firebase.headers(kid="kid-1"))
    assert response.status_code == 401
    assert response.json() == INVALID


def test_the_certificate_cache_is_shared_through_the_django_cache(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    cache.clear()  # another process with an empty cache fetches again
    assert get_user(client, firebase.headers()).status_code == 200
    assert firebase.server.hits == 2


# Provisioning and linking


def test_a_verified_email_links_an_account_without_a_uid(client, firebase):
    user = make_user(email="fiona@example.com", first_name="Fi", last_name="Old")
    response = get_user(client, firebase.headers())
    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert User.objects.count() == 1
    profile = CareerProfile.objects.get(user=user)
    assert (profile.firebase_uid, profile.name) == ("uid-1", "Fiona Fire")
    assert user.has_usable_password() and User.objects.get().check_password("pass-word-123")


def test_linking_keeps_an_existing_profile_and_finds_the_email_in_any_case(client, firebase):
    user = make_user(email="Fiona@Example.com")
    profile = CareerProfile.objects.create(user=user, name="Platform name")
    response = get_user(client, firebase.headers(email="FIONA@example.com"))
    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.firebase_uid, profile.name) == ("uid-1", "Fiona Fire")
    assert CareerProfile.objects.count() == 1


def test_an_unverified_email_of_another_account_is_409_and_links_nothing(client, firebase):
    make_user(email="fiona@example.com")
    before = careers_state()
    response = get_user(client, firebase.headers(email_verified=False))
    assert response.status_code == 409
    assert response.json() == TAKEN
    assert careers_state() == before


def test_an_account_with_another_uid_is_never_taken_over(client, firebase):
    owner = make_user(email="fiona@example.com")
    CareerProfile.objects.create(user=owner, firebase_uid="uid-original")
    before = careers_state()
    response = get_user(client, firebase.headers(sub="uid-intruder"))
    assert response.status_code == 409
    assert response.json() == TAKEN
    assert careers_state() == before


def test_a_changed_email_claim_replaces_the_email(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    response = get_user(client, firebase.headers(email="fiona.new@example.com"))
    assert response.status_code == 200
    assert response.json()["email"] == "fiona.new@example.com"
    assert User.objects.get().email == "fiona.new@example.com"


def test_a_changed_email_claim_naming_another_account_is_409(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    make_user(email="taken@example.com")
    before = careers_state()
    response = get_user(client, firebase.headers(email="TAKEN@example.com"))
    assert response.status_code == 409
    assert response.json() == TAKEN
    assert careers_state() == before


def test_the_name_claim_replaces_the_name_only_when_the_claim_changes(client, firebase):
    headers = firebase.headers()
    assert get_user(client, headers).status_code == 200
    renamed = client.put(
        f"{V1}/user/", {"name": "Chosen Name"}, content_type="application/json", **headers
    )
    assert renamed.json()["name"] == "Chosen Name"
    # The same claim again: the name chosen with PUT stays.
    assert get_user(client, firebase.headers()).json()["name"] == "Chosen Name"
    # The provider's name changes: it wins.
    assert get_user(client, firebase.headers(name="Fiona Flame")).json()["name"] == "Fiona Flame"
    profile = CareerProfile.objects.get()
    assert (profile.name, profile.firebase_name_claim) == ("Fiona Flame", "Fiona Flame")


def test_without_a_name_claim_the_name_is_left_alone(client, firebase):
    response = get_user(client, firebase.headers(name=None))
    assert response.json()["name"] == ""
    assert CareerProfile.objects.get().firebase_name_claim is None


def test_an_inactive_account_is_401_and_nothing_changes(client, firebase):
    assert get_user(client, firebase.headers()).status_code == 200
    User.objects.update(is_active=False)
    before = careers_state()
    response = get_user(client, firebase.headers(email="new@example.com", name="New"))
    assert response.status_code == 401
    assert response.json() == INVALID
    assert careers_state() == before


def test_an_inactive_account_with_the_email_is_neither_linked_nor_entered(client, firebase):
    make_user(email="fiona@example.com", is_active=False)
    before = careers_state()
    response = get_user(client, firebase.headers())
    assert response.status_code == 401
    assert response.json() == INVALID
    assert careers_state() == before


def test_a_firebase_user_and_a_platform_token_are_one_account(client, firebase):
    fiona = User.objects.get(pk=get_user(client, firebase.headers()).json()["id"])
    assert get_user(client, bearer(fiona)).json()["id"] == fiona.pk


def test_a_certificate_that_cannot_be_read_refuses_the_token(client, firebase):
    firebase.server.document = {"kid-0": "-----BEGIN CERTIFICATE-----\nnonsense\n"}
    before = careers_state()
    response = get_user(client, firebase.headers())
    assert response.status_code == 401
    assert response.json() == INVALID
    assert careers_state() == before
