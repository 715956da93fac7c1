"""Reads are planned: a list costs the same number of queries whatever its length, and an
update costs the same whatever the applet's size (architecture rule 9)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessments.conftest import (
    activity,
    applet_body,
    call,
    create_applet,
    grant,
    update_body,
)
from tests.assessments.items import item
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


def queries(client, method, path, user, body=None):
    headers = bearer(user)
    call(client, method, path, body, **headers)  # warm: last-seen written, kept SQL compiled
    with CaptureQueriesContext(connection) as captured:
        response = call(client, method, path, body, **headers)
    assert response.status_code in (200, 201), response.content
    return len(captured)


def grow(client, owner, count):
    for _ in range(count):
        applet = create_applet(client, owner, applet_body(name=f"Applet {uuid.uuid4()}"))
        grant(make_user(), applet["id"], "manager")


@pytest.mark.parametrize(
    "path",
    [
        "/applets",
        "/workspaces/{o}/applets",
        "/workspaces/{o}/managers",
        "/workspaces",
    ],
)
def test_lists_cost_the_same_whatever_their_length(client, owner, path):
    path = path.replace("{o}", str(owner.public_id))
    grow(client, owner, 1)
    few = queries(client, "GET", path, owner)
    grow(client, owner, 6)
    assert queries(client, "GET", path, owner) == few
    assert few <= 6


def test_the_applet_list_is_two_reads(client, owner):
    grow(client, owner, 3)
    # the caller (with revocation), the page (each row carries the total)
    assert queries(client, "GET", "/applets", owner) == 2


def test_respondents_and_versions_cost_the_same_whatever_their_length(client, owner):
    applet = create_applet(client, owner)
    path = f"/workspaces/{owner.public_id}/applets/{applet['id']}/respondents"
    few = queries(client, "GET", path, owner)
    for _ in range(5):
        grant(make_user(), applet["id"], "respondent")
    assert queries(client, "GET", path, owner) == few
    versions = f"/applets/{applet['id']}/versions"
    one = queries(client, "GET", versions, owner)
    for _ in range(3):
        call(client, "PUT", f"/applets/{applet['id']}", update_body(applet), user=owner)
    assert queries(client, "GET", versions, owner) == one


def big_applet(activities, items):
    return applet_body(
        name=f"Big {activities}x{items}",
        activities=[
            activity(
                f"Activity {a}", [item("singleSelect", name=f"item_{i}") for i in range(items)]
            )
            for a in range(activities)
        ],
    )


def test_an_update_costs_the_same_whatever_the_applet_size(client, owner):
    small = create_applet(client, owner, big_applet(2, 2))
    large = create_applet(client, owner, big_applet(6, 8))
    assert queries(client, "PUT", f"/applets/{small['id']}", owner, update_body(small)) == queries(
        client, "PUT", f"/applets/{large['id']}", owner, update_body(large)
    )


def test_one_applet_costs_the_same_whatever_its_size(client, owner):
    small = create_applet(client, owner, big_applet(1, 1))
    large = create_applet(client, owner, big_applet(5, 5))
    for path in ("/applets/{a}", "/activities/applet/{a}", "/applets/{a}/versions/1.1.0"):
        assert queries(client, "GET", path.replace("{a}", small["id"]), owner) == queries(
            client, "GET", path.replace("{a}", large["id"]), owner
        ), path


def _listed(client, owner, query=""):
    response = call(client, "GET", f"/applets{query}", user=owner)
    assert response.status_code == 200
    body = response.json()
    return body["count"], [each["displayName"] for each in body["result"]]


def test_the_kept_list_sql_matches_the_orm(client, owner, settings):
    for name in ["50% off", "5000 steps", "under_score", "Other"]:
        create_applet(client, owner, applet_body(name=name))
    queries_ = [
        "",
        "?search=50%25",
        "?search=_",
        "?ordering=displayName&limit=2&page=2",
        "?roles=owner,manager",
    ]
    kept = [_listed(client, owner, q) for q in queries_]
    settings.QUERY_FAST_PATH = False
    assert [_listed(client, owner, q) for q in queries_] == kept
    assert kept[1] == (1, ["50% off"])
    assert kept[2] == (1, ["under_score"])
    assert kept[3] == (4, ["Other", "under_score"])


def test_the_kept_list_sql_is_per_caller(client, owner):
    other = make_user()
    create_applet(client, owner, applet_body(name="Mine"))
    create_applet(client, other, applet_body(name="Theirs"))
    assert _listed(client, owner) == (1, ["Mine"])
    assert _listed(client, other) == (1, ["Theirs"])
