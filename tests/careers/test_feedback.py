"""Peer feedback (spec careers.md §4.3): the public link, ratings through it, and what the
rated user reads."""

import uuid

import pytest
from django.core.cache import cache

from modules.careers.models import PeerFeedback
from tests.careers.conftest import V1, careers_state, careers_user
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

EMPTY = {"values": [], "strengths": [], "impacts": [], "confidence": []}


def rating(options, **overrides):
    """A complete valid rating block: first options of each group, Agree-ish confidences."""
    body = {
        "value1": options["value"][1].pk,
        "strength1": options["strength"][1].pk,
        "impact1": options["impact"][1].pk,
        "valueconfidence": options["confidence"][1].pk,
        "strengthconfidence": options["confidence"][1].pk,
        "impactconfidence": options["confidence"][1].pk,
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not ...}


def link(member):
    return f"{V1}/user/feedback/{member.careers_profile.xref}/"


def test_the_public_link_names_its_subject(client, member):
    response = client.get(link(member))
    assert response.status_code == 200
    assert response.json() == {"xref": str(member.careers_profile.xref), "name": "Alan Hicks"}


@pytest.mark.parametrize("xref", [str(uuid.uuid4()), "not-a-uuid", "1"])
def test_an_unknown_or_malformed_xref_is_404(client, member, xref):
    response = client.get(f"{V1}/user/feedback/{xref}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_inactive_users_link_is_404(client, member):
    member.is_active = False
    member.save()
    assert client.get(link(member)).status_code == 404


def test_a_rating_is_stored_with_where_it_came_from(client, member, options):
    body = rating(
        options,
        value2=options["value"][2].pk,
        valueother="Kindness",
        strengthconfidence=options["confidence"][4].pk,
    )
    response = client.post(
        link(member),
        body,
        content_type="application/json",
        HTTP_USER_AGENT="WhynessApp/2.1",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 201
    feedback = PeerFeedback.objects.get()
    assert response.json() == {
        "id": feedback.pk,
        "create_date": feedback.create_date.isoformat().replace("+00:00", "Z"),
    }
    assert feedback.subject == member
    assert (feedback.value1, feedback.value2, feedback.value3) == (
        options["value"][1],
        options["value"][2],
        None,
    )
    assert feedback.strengthconfidence == options["confidence"][4]
    assert (feedback.valueother, feedback.strengthother) == ("Kindness", "")
    assert (feedback.ip, feedback.user_agent) == ("203.0.113.7", "WhynessApp/2.1")


def test_a_rating_reads_form_bodies(client, member, options):
    response = client.post(link(member), rating(options, value2=0, impact2=""))
    assert response.status_code == 201
    assert PeerFeedback.objects.get().value2 is None


def test_every_missing_required_field_is_reported_at_once(client, member):
    before = careers_state()
    response = client.post(link(member), {}, content_type="application/json")
    assert response.status_code == 400
    required = ["This field is required."]
    assert response.json() == {
        "value1": required,
        "valueconfidence": required,
        "strength1": required,
        "strengthconfidence": required,
        "impact1": required,
        "impactconfidence": required,
    }
    assert careers_state() == before


def test_slots_name_active_options_of_their_own_kind(client, member, options):
    retired = options["value"][0].__class__.objects.get(title="Retired value")
    body = rating(
        options,
        value1=options["strength"][1].pk,  # a strength in a value slot
        value2=retired.pk,  # inactive
        strength1="abc",
        impact1=None,
        impact2=0,  # unset is fine where optional
        valueconfidence=options["value"][1].pk,  # not a confidence
        strengthother="s" * 101,
        strengthconfidence=0,
        impactconfidence=99999,
    )
    before = careers_state()
    response = client.post(link(member), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "value1": [f'Invalid pk "{options["strength"][1].pk}" - object does not exist.'],
        "value2": [f'Invalid pk "{retired.pk}" - object does not exist.'],
        "valueconfidence": [f'Invalid pk "{options["value"][1].pk}" - object does not exist.'],
        "strength1": ["Incorrect type. Expected pk value, received str."],
        "strengthconfidence": ['Invalid pk "0" - object does not exist.'],
        "impact1": ["This field may not be null."],
        "impactconfidence": ['Invalid pk "99999" - object does not exist.'],
        "strengthother": ["Ensure this field has no more than 100 characters."],
    }
    assert careers_state() == before


def test_an_option_twice_in_a_group_is_a_duplicate_choice(client, member, options):
    value = options["value"][1].pk
    body = rating(options, value3=value, strength2=options["strength"][1].pk)
    before = careers_state()
    response = client.post(link(member), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "value3": ["Duplicate choice."],
        "strength2": ["Duplicate choice."],
    }
    assert careers_state() == before


def test_an_unknown_link_is_404_before_the_body_is_read(client, options):
    before = careers_state()
    response = client.post(
        f"{V1}/user/feedback/{uuid.uuid4()}/", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert careers_state() == before


def test_ratings_are_throttled_per_address(client, member, options, settings):
    settings.CAREERS_FEEDBACK_RATE = "2/hour"
    for _ in range(2):
        response = client.post(link(member), rating(options), content_type="application/json")
        assert response.status_code == 201
    before = careers_state()
    refused = client.post(link(member), rating(options), content_type="application/json")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Request was throttled."}
    assert careers_state() == before
    elsewhere = client.post(
        link(member), rating(options), content_type="application/json", REMOTE_ADDR="10.9.9.9"
    )
    assert elsewhere.status_code == 201


def test_the_default_rate_is_ten_an_hour(client, member, options, settings):
    assert settings.CAREERS_FEEDBACK_RATE == "10/hour"
    statuses = [
        client.post(link(member), rating(options), content_type="application/json").status_code
        for _ in range(11)
    ]
    assert statuses == [201] * 10 + [429]
    cache.clear()


# What the rated user reads


def test_no_feedback_is_four_empty_lists(client, member):
    response = client.get(f"{V1}/user/feedback/", **bearer(member))
    assert response.status_code == 200
    assert response.json() == EMPTY


def test_feedback_is_counted_by_option_title(client, member, options):
    value, strength, impact, confidence = (
        options["value"],
        options["strength"],
        options["impact"],
        options["confidence"],
    )
    ratings = [
        rating(options, value1=value[0].pk, value2=value[2].pk, impactconfidence=confidence[2].pk),
        rating(options, value1=value[2].pk, value2=value[0].pk, strength2=strength[3].pk),
        rating(options, value1=value[0].pk),
    ]
    for body in ratings:
        assert client.post(link(member), body, content_type="application/json").status_code == 201
    # Someone else's feedback is not counted.
    other = careers_user()
    client.post(link(other), rating(options), content_type="application/json")
    response = client.get(f"{V1}/user/feedback/", **bearer(member))
    agree, other_confidence = confidence[1].title, confidence[2].title
    assert response.json() == {
        "values": [
            {"value": "Don't know", "value_count": 3},
            {"value": value[2].title, "value_count": 2},
        ],
        "strengths": [
            {"strength": strength[1].title, "strength_count": 3},
            {"strength": strength[3].title, "strength_count": 1},
        ],
        "impacts": [{"impact": impact[1].title, "impact_count": 3}],
        "confidence": [
            {
                "valueconfidence": agree,
                "valueconfidence_count": 2,
                "strengthconfidence": agree,
                "strengthconfidence_count": 2,
                "impactconfidence": agree,
                "impactconfidence_count": 2,
            },
            {
                "valueconfidence": agree,
                "valueconfidence_count": 1,
                "strengthconfidence": agree,
                "strengthconfidence_count": 1,
                "impactconfidence": other_confidence,
                "impactconfidence_count": 1,
            },
        ],
    }


def test_equal_counts_are_ordered_by_title(client, member, options):
    value = options["value"]
    body = rating(options, value1=value[3].pk, value2=value[1].pk, value3=value[2].pk)
    client.post(link(member), body, content_type="application/json")
    values = client.get(f"{V1}/user/feedback/", **bearer(member)).json()["values"]
    assert [item["value"] for item in values] == sorted(v.title for v in value[1:4])


def test_the_summary_takes_a_fixed_number_of_queries(
    client, member, options, django_assert_num_queries
):
    for _ in range(5):
        client.post(link(member), rating(options), content_type="application/json")
    headers = bearer(member)
    client.get(f"{V1}/user/feedback/", **headers)
    # The caller, the ratings' option ids, the titles of those options.
    with django_assert_num_queries(3):
        client.get(f"{V1}/user/feedback/", **headers)
