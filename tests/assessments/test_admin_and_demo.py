"""Spec §14: staff pages for every table (history read-only) and the demo data."""

import hashlib
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from core.models import User
from modules.assessments.models import (
    ActivityItem,
    Applet,
    AppletHistory,
    FlowItemHistory,
    UserAppletAccess,
)
from tests.assessments.conftest import call, create_applet, grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HISTORY = [
    "applethistory",
    "activityhistory",
    "activityitemhistory",
    "flowhistory",
    "flowitemhistory",
]


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def filled(client, owner):
    applet = create_applet(client, owner)
    grant(make_user(), applet["id"], "reviewer")
    return applet


@pytest.mark.parametrize(
    "model", [m._meta.model_name for m in apps.get_app_config("assessments").get_models()]
)
def test_every_table_has_a_staff_list_and_change_page(staff_client, filled, model):
    listing = staff_client.get(f"/admin/assessments/{model}/")
    assert listing.status_code == 200
    row = apps.get_model("assessments", model).objects.first()
    if row is not None:
        assert staff_client.get(f"/admin/assessments/{model}/{row.pk}/change/").status_code == 200


@pytest.mark.parametrize("model", HISTORY)
def test_history_is_read_only_in_the_admin(staff_client, filled, model):
    row = apps.get_model("assessments", model).objects.first()
    assert staff_client.get(f"/admin/assessments/{model}/add/").status_code == 403
    assert (
        staff_client.post(
            f"/admin/assessments/{model}/{row.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    page = staff_client.get(f"/admin/assessments/{model}/{row.pk}/change/")
    assert b'name="_save"' not in page.content
    assert apps.get_model("assessments", model).objects.filter(pk=row.pk).exists()


def test_the_demo_owner_and_applet(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert "assessments owner: owner@example.com / owner-pass-1" in out.getvalue()
    owner = User.objects.get(email="owner@example.com")
    applet = Applet.objects.get(owner=owner)
    assert (applet.display_name, applet.version) == ("Demo mood", "1.1.0")
    activities = list(applet.activities.order_by("order"))
    assert [a.name for a in activities] == ["Morning", "Evening"]
    kinds = [
        list(
            ActivityItem.objects.filter(activity=a)
            .order_by("order")
            .values_list("response_type", flat=True)
        )
        for a in activities
    ]
    assert kinds == [["singleSelect", "slider"], ["text", "date"]]
    (flow,) = applet.flows.all()
    assert [i.activity.name for i in flow.items.order_by("order")] == ["Morning", "Evening"]
    assert AppletHistory.objects.filter(id=applet.pk).count() == 1
    assert FlowItemHistory.objects.count() == 2
    assert sorted(
        UserAppletAccess.objects.filter(applet=applet).values_list("role", flat=True)
    ) == ["owner", "respondent"]
    # A valid key pair: the public key is base^priv mod prime for the owner's private key.
    encryption = applet.encryption
    prime = int.from_bytes(bytes(json.loads(encryption["prime"])), "big")
    base = int.from_bytes(bytes(json.loads(encryption["base"])), "big")
    public = int.from_bytes(bytes(json.loads(encryption["publicKey"])), "big")
    private = int.from_bytes(
        hashlib.sha512(b"owner-pass-1owner@example.com").digest()
        + hashlib.sha512(f"{owner.public_id}owner@example.com".encode()).digest(),
        "big",
    )
    assert encryption["accountId"] == str(owner.public_id)
    assert public == pow(base, private, prime) and 1 < public < prime
    # The demo owner logs in and sees it.
    login = call(
        client, "POST", "/auth/login", {"email": "owner@example.com", "password": "owner-pass-1"}
    )
    token = login.json()["result"]["token"]["accessToken"]
    listed = call(client, "GET", "/applets", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [a["displayName"] for a in listed["result"]] == ["Demo mood"]
