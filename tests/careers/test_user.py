"""The caller's account (spec careers.md §4.3): name, status and language profile."""

import pytest
from model_bakery import baker

from modules.careers.models import CareerProfile, DreamJob, SweetSpot
from tests.careers.conftest import V1, careers_state, careers_user, make_story
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_put_user_sets_the_name_and_ignores_other_keys(client, member):
    profile = CareerProfile.objects.get(user=member)
    response = client.put(
        f"{V1}/user/",
        {"name": "  Alan B. Hicks ", "email": "new@example.com", "xref": "x", "id": 99},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": member.pk,
        "name": "Alan B. Hicks",
        "xref": str(profile.xref),
        "email": member.email,
        "create_date": profile.create_date.isoformat().replace("+00:00", "Z"),
    }
    profile.refresh_from_db()
    member.refresh_from_db()
    assert profile.name == "Alan B. Hicks"
    assert member.email != "new@example.com"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": "   "}, {"name": ["This field may not be blank."]}),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"name": "n" * 251}, {"name": ["Ensure this field has no more than 250 characters."]}),
        ({"name": ["a"]}, {"name": ["Not a valid string."]}),
        ([], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_put_user_refuses_a_bad_name_and_writes_nothing(client, member, body, errors):
    before = careers_state()
    response = client.put(f"{V1}/user/", body, content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == errors
    assert careers_state() == before


def test_put_user_takes_250_characters_and_form_bodies(client, member):
    response = client.put(
        f"{V1}/user/",
        "name=" + "n" * 250,
        content_type="application/x-www-form-urlencoded",
        **bearer(member),
    )
    assert response.status_code == 200
    assert CareerProfile.objects.get(user=member).name == "n" * 250


def test_put_user_reads_multipart_bodies(client, member):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    response = client.put(
        f"{V1}/user/",
        encode_multipart(BOUNDARY, {"name": "Multi Part"}),
        content_type=MULTIPART_CONTENT,
        **bearer(member),
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Multi Part"


def test_put_user_refuses_other_media_types_with_415(client, member):
    before = careers_state()
    response = client.put(f"{V1}/user/", "name=x", content_type="text/plain", **bearer(member))
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert careers_state() == before


def test_put_user_without_a_token_is_401_before_the_body_is_read(client):
    response = client.put(f"{V1}/user/", "not json", content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_other_methods_on_user_are_405(client, member, method):
    response = getattr(client, method)(f"{V1}/user/", **bearer(member))
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_status_of_a_new_user(client, member):
    response = client.get(f"{V1}/user/status/", **bearer(member))
    assert response.status_code == 200
    assert response.json() == {
        "sweetspot_completed": False,
        "dreamjob_completed": False,
        "word_count": 0,
    }


def test_status_reports_polls_and_the_words_of_transcribed_stories(client, member):
    baker.make(DreamJob, user=member)
    make_story(member, transcript="Good morning.\nI  see the\tlight")  # 6 words
    make_story(member, transcript="one two")  # 2 words
    make_story(member, status=8, transcript="deleted words are not counted")
    make_story(member, status=3, transcript="in progress")
    make_story(careers_user(), transcript="someone else entirely")
    response = client.get(f"{V1}/user/status/", **bearer(member))
    assert response.json() == {
        "sweetspot_completed": False,
        "dreamjob_completed": True,
        "word_count": 8,
    }
    baker.make(SweetSpot, user=member)
    assert client.get(f"{V1}/user/status/", **bearer(member)).json()["sweetspot_completed"]


def test_another_users_polls_do_not_complete_mine(client, member):
    other = careers_user()
    baker.make(DreamJob, user=other)
    baker.make(SweetSpot, user=other)
    response = client.get(f"{V1}/user/status/", **bearer(member))
    assert response.json()["dreamjob_completed"] is False
    assert response.json()["sweetspot_completed"] is False


def test_the_language_profile_of_a_new_user_is_all_zero(client, member):
    response = client.get(f"{V1}/user/profile/", **bearer(member))
    assert response.status_code == 200
    assert response.json() == {
        "representational_system": {
            "visual": 0,
            "auditory": 0,
            "kinesthetic": 0,
            "auditory_digital": 0,
        }
    }


def test_the_language_profile_sums_transcribed_stories_only(client, member):
    system = {"visual": 5, "auditory": 1, "kinesthetic": 0, "auditory_digital": 2}
    make_story(member, system=system)
    make_story(member, system={"visual": 7, "auditory": 4, "kinesthetic": 1, "auditory_digital": 2})
    make_story(member, status=8, system=system)
    make_story(member, status=1, system=None)
    make_story(careers_user(), system=system)
    response = client.get(f"{V1}/user/profile/", **bearer(member))
    assert response.json() == {
        "representational_system": {
            "visual": 12,
            "auditory": 5,
            "kinesthetic": 1,
            "auditory_digital": 4,
        }
    }
