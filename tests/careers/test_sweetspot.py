"""The sweet-spot poll (spec careers.md §4.4, §9.8): five validated option ids per group, unset
slots 0, duplicates refused after merging a PUT into the poll."""

import pytest
from model_bakery import baker

from modules.careers.models import SweetSpot, SweetSpotOption
from tests.careers.conftest import V1, careers_state, careers_user
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

POLLS = f"{V1}/agpoll/sweetspot/"


def out(poll):
    shape = {"id": poll.pk, "user": poll.user_id}
    for group in ("value", "strength", "impact"):
        for n in range(1, 6):
            shape[f"{group}{n}"] = getattr(poll, f"{group}{n}_id") or 0
        shape[f"{group}other"] = getattr(poll, f"{group}other")
        shape[f"{group}confidence"] = getattr(poll, f"{group}confidence")
    shape["create_date"] = poll.create_date.isoformat().replace("+00:00", "Z")
    return shape


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_poll_names_options_by_id_and_unset_slots_are_0(client, member, options, method):
    values, strengths = options["value"], options["strength"]
    body = {
        "value1": values[1].pk,
        "value2": str(values[2].pk),
        "value3": 0,
        "value4": None,
        "strength1": strengths[0].pk,
        "valueconfidence": "Agree",
        "impactother": "Teaching",
    }
    response = getattr(client, method)(
        POLLS, body, content_type="application/json", **bearer(member)
    )
    assert response.status_code == 201
    poll = SweetSpot.objects.get()
    expected = out(poll)
    assert response.json() == expected
    assert (expected["value1"], expected["value2"], expected["value3"], expected["value5"]) == (
        values[1].pk,
        values[2].pk,
        0,
        0,
    )
    assert (poll.valueconfidence, poll.impactother, poll.strengthconfidence) == (
        "Agree",
        "Teaching",
        "",
    )
    assert poll.user == member


def test_slots_must_be_active_options_of_their_group(client, member, options):
    retired = SweetSpotOption.objects.get(title="Retired value")
    body = {
        "value1": options["strength"][1].pk,
        "value2": retired.pk,
        "value3": "abc",
        "value4": True,
        "strength1": 77777,
        "impact1": options["impact"][1].pk,
        "impactconfidence": "c" * 101,
    }
    before = careers_state()
    response = client.post(POLLS, body, content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == {
        "value1": [f'Invalid pk "{options["strength"][1].pk}" - object does not exist.'],
        "value2": [f'Invalid pk "{retired.pk}" - object does not exist.'],
        "value3": ["Incorrect type. Expected pk value, received str."],
        "value4": ["Incorrect type. Expected pk value, received bool."],
        "strength1": ['Invalid pk "77777" - object does not exist.'],
        "impactconfidence": ["Ensure this field has no more than 100 characters."],
    }
    assert careers_state() == before


def test_an_option_twice_in_a_group_is_refused_on_the_later_slot(client, member, options):
    value = options["value"][1].pk
    body = {"value1": value, "value2": value, "value4": value, "impact1": value}
    response = client.post(POLLS, body, content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == {
        "value2": ["Duplicate choice."],
        "value4": ["Duplicate choice."],
        "impact1": [f'Invalid pk "{value}" - object does not exist.'],
    }
    assert not SweetSpot.objects.exists()


def test_several_unset_slots_are_no_duplicates(client, member, options):
    body = {"value1": options["value"][1].pk, "value2": 0, "value3": 0}
    response = client.post(POLLS, body, content_type="application/json", **bearer(member))
    assert response.status_code == 201


def test_a_put_merges_and_checks_duplicates_against_the_merged_poll(client, member, options):
    values = options["value"]
    poll = baker.make(SweetSpot, user=member, value1=values[1], value2=values[2], valueother="x")
    url = f"{POLLS}{poll.pk}/"
    before = careers_state()
    clash = client.put(
        url, {"value3": values[1].pk}, content_type="application/json", **bearer(member)
    )
    assert clash.status_code == 400
    assert clash.json() == {"value3": ["Duplicate choice."]}
    assert careers_state() == before
    # Moving value1 away first makes room: the slot sent replaces the stored one.
    response = client.put(
        url,
        {"value1": values[3].pk, "value3": values[1].pk, "value2": 0},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 200
    poll.refresh_from_db()
    assert (poll.value1, poll.value2, poll.value3, poll.valueother) == (
        values[3],
        None,
        values[1],
        "x",
    )
    assert response.json() == out(poll)


def test_post_on_a_poll_is_a_put(client, member, options):
    poll = baker.make(SweetSpot, user=member)
    response = client.post(
        f"{POLLS}{poll.pk}/",
        {"strengthother": "Patience"},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 200
    poll.refresh_from_db()
    assert poll.strengthother == "Patience"
    assert SweetSpot.objects.count() == 1


def test_the_list_and_one_poll_are_the_callers(client, member, options):
    mine = baker.make(SweetSpot, user=member, value1=options["value"][1])
    newer = baker.make(SweetSpot, user=member)
    theirs = baker.make(SweetSpot, user=careers_user())
    response = client.get(POLLS, **bearer(member))
    assert response.json() == [out(newer), out(mine)]
    assert response["X-Total-Count"] == "2"
    assert client.get(f"{POLLS}{mine.pk}/", **bearer(member)).json() == out(mine)
    before = careers_state()
    for method in ("get", "put", "post"):
        response = getattr(client, method)(
            f"{POLLS}{theirs.pk}/",
            {"valueother": "hijack"},
            content_type="application/json",
            **bearer(member),
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert careers_state() == before


def test_a_poll_is_written_with_one_query_for_all_its_options(
    client, member, options, django_assert_num_queries
):
    body = {f"value{n}": options["value"][n].pk for n in range(1, 6)}
    body |= {f"strength{n}": options["strength"][n].pk for n in range(1, 6)}
    body |= {f"impact{n}": options["impact"][n].pk for n in range(1, 6)}
    headers = bearer(member)
    client.get(f"{V1}/user/", **headers)
    # The caller, the fifteen options at once, the insert.
    with django_assert_num_queries(3):
        response = client.post(POLLS, body, content_type="application/json", **headers)
    assert response.status_code == 201
