"""The dream-job poll (spec careers.md §4.4): the caller's own, created with 201, changed with
PUT, another user's a plain 404."""

import pytest
from model_bakery import baker

from modules.careers.models import DREAMJOB_FIELDS, DreamJob
from tests.careers.conftest import V1, careers_state, careers_user
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

POLLS = f"{V1}/agpoll/dreamjob/"


def out(poll):
    return {
        "id": poll.pk,
        "user": poll.user_id,
        **{name: getattr(poll, name) for name in DREAMJOB_FIELDS},
        "create_date": poll.create_date.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_poll_is_created_with_absent_fields_blank(client, member, method):
    response = getattr(client, method)(
        POLLS,
        {"role1": "Designer", "profession1": " Design ", "company_size": "", "unknown": "x"},
        content_type="application/json",
        HTTP_USER_AGENT="WhynessApp/2.1",
        **bearer(member),
    )
    assert response.status_code == 201
    poll = DreamJob.objects.get()
    assert response.json() == out(poll)
    assert response.json()["user"] == member.pk
    assert (poll.role1, poll.profession1, poll.role2, poll.company_size) == (
        "Designer",
        "Design",
        "",
        "",
    )
    assert (poll.ip, poll.user_agent) == ("127.0.0.1", "WhynessApp/2.1")


def test_an_empty_body_makes_an_empty_poll(client, member):
    response = client.post(POLLS, **bearer(member))
    assert response.status_code == 201
    assert all(response.json()[name] == "" for name in DREAMJOB_FIELDS)


def test_every_field_error_at_once_and_nothing_written(client, member):
    body = {"role1": "r" * 101, "office_culture": None, "roleother": ["x"], "role2": "r" * 100}
    before = careers_state()
    response = client.post(POLLS, body, content_type="application/json", **bearer(member))
    assert response.status_code == 400
    assert response.json() == {
        "role1": ["Ensure this field has no more than 100 characters."],
        "roleother": ["Not a valid string."],
        "office_culture": ["This field may not be null."],
    }
    assert careers_state() == before


def test_the_list_is_the_callers_newest_first(client, member):
    older = baker.make(DreamJob, user=member, role1="old")
    newer = baker.make(DreamJob, user=member, role1="new")
    baker.make(DreamJob, user=careers_user(), role1="not mine")
    response = client.get(POLLS, **bearer(member))
    assert response.status_code == 200
    assert response["X-Total-Count"] == "2"
    assert response.json() == [out(newer), out(older)]


def test_no_polls_is_an_empty_list(client, member):
    response = client.get(POLLS, **bearer(member))
    assert response.json() == []
    assert response["X-Total-Count"] == "0"


def test_one_poll_and_a_put_that_changes_only_what_it_sends(client, member):
    poll = baker.make(DreamJob, user=member, role1="Designer", role2="Writer")
    url = f"{POLLS}{poll.pk}/"
    assert client.get(url, **bearer(member)).json() == out(poll)
    response = client.put(
        url,
        {"role2": "", "office_culture": "Calm"},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 200
    poll.refresh_from_db()
    assert response.json() == out(poll)
    assert (poll.role1, poll.role2, poll.office_culture) == ("Designer", "", "Calm")
    assert DreamJob.objects.count() == 1


def test_a_put_with_bad_fields_changes_nothing(client, member):
    poll = baker.make(DreamJob, user=member, role1="Designer")
    before = careers_state()
    response = client.put(
        f"{POLLS}{poll.pk}/",
        {"role1": "x" * 101},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 400
    assert careers_state() == before


@pytest.mark.parametrize("method", ["get", "put"])
def test_another_users_or_a_missing_poll_is_404(client, member, method):
    theirs = baker.make(DreamJob, user=careers_user(), role1="theirs")
    before = careers_state()
    for poll_id in (theirs.pk, 987654, "abc", 2**64):
        response = getattr(client, method)(
            f"{POLLS}{poll_id}/",
            {"role1": "mine now"},
            content_type="application/json",
            **bearer(member),
        )
        assert response.status_code == 404, poll_id
        assert response.json() == {"detail": "Not found."}
    assert careers_state() == before


def test_404_comes_before_the_body_is_read(client, member):
    theirs = baker.make(DreamJob, user=careers_user())
    response = client.put(
        f"{POLLS}{theirs.pk}/", "{broken", content_type="application/json", **bearer(member)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "delete", "patch"])
def test_other_methods_on_a_poll_are_405(client, member, method):
    poll = baker.make(DreamJob, user=member)
    response = getattr(client, method)(f"{POLLS}{poll.pk}/", **bearer(member))
    assert response.status_code == 405


def test_the_list_reads_in_two_queries_whatever_its_length(
    client, member, django_assert_num_queries
):
    baker.make(DreamJob, user=member, _quantity=50)
    headers = bearer(member)
    client.get(POLLS, **headers)
    # The caller, then the page (shorter than the limit: no count).
    with django_assert_num_queries(2):
        assert len(client.get(POLLS, **headers).json()) == 50


def test_the_check_order_is_405_401_404_413_then_400(client, member, settings):
    theirs = baker.make(DreamJob, user=careers_user())
    mine = baker.make(DreamJob, user=member)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = {"role1": "x" * 2048}
    # 405 before 401: the method is wrong whoever asks.
    assert client.delete(f"{POLLS}{mine.pk}/").status_code == 405
    # 401 before 404: a path id that is not even a number needs a token first.
    assert client.get(f"{POLLS}abc/").status_code == 401
    # 404 before 413: another user's poll is missing, whatever the body.
    response = client.put(
        f"{POLLS}{theirs.pk}/", big, content_type="application/json", **bearer(member)
    )
    assert response.status_code == 404
    # 413 before 415 and 400.
    before = careers_state()
    response = client.put(f"{POLLS}{mine.pk}/", big, content_type="text/plain", **bearer(member))
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}
    response = client.put(
        f"{POLLS}{mine.pk}/", {"role1": "x" * 101}, content_type="text/plain", **bearer(member)
    )
    assert response.status_code == 415
    assert careers_state() == before
