"""The busiest reads are kept SQL once warm (core.fastpath): the caller, and the applet list
prepared once per shape, whoever asks."""

import pytest

from core import fastpath
from tests.assessments.conftest import BASE, applet_body, call, create_applet
from tests.conftest import bearer, make_user
from tests.support import assert_fast_reads

pytestmark = pytest.mark.django_db


def test_the_applet_list_is_prepared_once_per_shape(client, owner, monkeypatch):
    fastpath.reset()
    other = make_user()
    create_applet(client, owner, applet_body(name="Mine"))
    create_applet(client, other, applet_body(name="Theirs"))
    assert call(client, "GET", "/applets?search=i", user=owner).json()["count"] == 1
    assert [key for key in fastpath._prepared if "applet_list" in key[0]]

    def prepared_again(*args, **kwargs):
        raise AssertionError("the list was prepared again")

    monkeypatch.setattr(fastpath, "_prepare", prepared_again)
    hits = fastpath.stats.hits
    mine = call(client, "GET", "/applets?search=m", user=owner).json()
    theirs = call(client, "GET", "/applets?search=t", user=other).json()
    assert [a["displayName"] for a in mine["result"]] == ["Mine"]
    assert [a["displayName"] for a in theirs["result"]] == ["Theirs"]
    assert fastpath.stats.hits >= hits + 2


def test_the_caller_and_one_applet_are_read_by_the_fast_path(client, owner):
    applet = create_applet(client, owner)
    headers = bearer(owner)
    assert_fast_reads(client, f"{BASE}/applets", headers, reads=2)  # the caller, the list
    assert_fast_reads(client, f"{BASE}/applets/{applet['id']}", headers, reads=2)  # + the applet
