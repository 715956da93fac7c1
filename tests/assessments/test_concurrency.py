"""Races against real PostgreSQL (spec §10, §15.9): updates lock the applet row, so two PUTs at
the same instant make two versions one after the other; two creations of one name leave one."""

import json

import pytest
from django.test import Client

from modules.assessments.models import Applet, AppletHistory
from tests.assessments.conftest import BASE, applet_body, create_applet, update_body
from tests.conftest import bearer
from tests.support import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def request(method, path, body, headers):
    def call():
        response = Client().generic(
            method, f"{BASE}{path}", json.dumps(body), content_type="application/json", **headers
        )
        return response.status_code, response.json()

    return call


def test_two_updates_at_once_make_two_versions(owner):
    applet = create_applet(Client(), owner)
    headers = bearer(owner)
    body = update_body(applet)
    results = run_together(
        [request("PUT", f"/applets/{applet['id']}", body, headers) for _ in range(2)]
    )
    assert sorted(status for status, _ in results) == [200, 200]
    assert sorted(answer["result"]["version"] for _, answer in results) == ["1.1.1", "1.1.2"]
    versions = AppletHistory.objects.filter(id=applet["id"]).values_list("version", flat=True)
    assert sorted(versions) == ["1.1.0", "1.1.1", "1.1.2"]
    assert Applet.objects.get(pk=applet["id"]).version == "1.1.2"


def test_two_creations_of_one_name_leave_one_applet(owner):
    headers = bearer(owner)
    path = f"/workspaces/{owner.public_id}/applets"
    results = run_together(
        [request("POST", path, applet_body(name="Twin"), headers) for _ in range(2)]
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 400], results
    assert Applet.objects.filter(display_name="Twin").count() == 1
