"""Benchmark hook for assessments (issue 14): the demo owner's applet list under load against
hello (target: at least 25% of hello's throughput in the same run), and the time of one
``PUT /api/assessments/applets/{id}`` on an applet of 20 activities of 25 items each, snapshot
included (target: median under 500 ms on SQLite), with the number of queries it makes."""

import json
import statistics
import time
import uuid
from typing import Any

from bench.harness import (
    Deployment,
    HookReport,
    LoadResult,
    Target,
    request_json,
    share_of_hello,
    web_server,
)

OWNER = ("owner@example.com", "owner-pass-1")
LIST = "GET /api/assessments/applets"
APPLETS = 30  # the owner's list: three pages of ten
ACTIVITIES, ITEMS = 20, 25
PUT_ROUNDS = 7
MAX_PUT_MS = 500
_state: dict[str, str] = {}


def _login(base: str) -> str:
    body = {"email": OWNER[0], "password": OWNER[1]}
    answer = request_json(base, "POST", "/api/assessments/auth/login", body)
    return str(answer["result"]["token"]["accessToken"])


def load_data(dep: Deployment) -> None:
    """More applets for the demo owner, each made through the service as the API makes them."""
    dep.python(
        "from core.models import User\n"
        "from modules.assessments.demo import encryption_for\n"
        "from modules.assessments.schemas.applets_in import AppletCreateIn\n"
        "from modules.assessments.services.applets import applet_create\n"
        "import uuid\n"
        "owner = User.objects.get(email='owner@example.com')\n"
        "item = {'name': 'mood', 'question': {'en': 'How?'}, 'responseType': 'date', "
        "'config': {'removeBackButton': False, 'skippableItem': False, 'timer': 0, "
        "'additionalResponseOption': {'textInputOption': False, 'textInputRequired': False}}}\n"
        f"for i in range({APPLETS - 1}):\n"
        "    body = {'displayName': f'Bench applet {i}', 'encryption': "
        "encryption_for(owner, 'owner-pass-1'), 'activities': [{'key': str(uuid.uuid4()), "
        "'name': 'Daily', 'items': [item]}]}\n"
        "    applet_create(actor=owner, owner_id=owner.public_id, "
        "body=AppletCreateIn.model_validate(body))\n"
    )


def endpoints(dep: Deployment, base: str) -> list[tuple[str, str, dict[str, str]]]:
    return [(LIST, "/api/assessments/applets", {"Authorization": f"Bearer {_login(base)}"})]


def http_targets(results: dict[str, LoadResult]) -> list[Target]:
    return [share_of_hello("assessments applet list vs hello", results, LIST)]


def _item(index: int) -> dict[str, Any]:
    return {
        "name": f"item_{index}",
        "question": {"en": f"Question {index}?"},
        "responseType": "singleSelect",
        "config": {
            "removeBackButton": False,
            "skippableItem": False,
            "randomizeOptions": False,
            "timer": 0,
            "addScores": True,
            "setAlerts": False,
            "addTooltip": False,
            "setPalette": False,
            "additionalResponseOption": {"textInputOption": False, "textInputRequired": False},
        },
        "responseValues": {
            "options": [{"text": f"Option {n}", "score": n, "value": n} for n in range(4)]
        },
    }


def big_applet(name: str) -> dict[str, Any]:
    activities = [
        {
            "key": str(uuid.uuid4()),
            "name": f"Activity {a}",
            "items": [_item(i) for i in range(ITEMS)],
        }
        for a in range(ACTIVITIES)
    ]
    flow = {"name": "All", "items": [{"activityKey": a["key"]} for a in activities]}
    encryption = {"publicKey": "[1]", "prime": "[7]", "base": "[2]", "accountId": str(uuid.uuid4())}
    return {
        "displayName": name,
        "encryption": encryption,
        "activities": activities,
        "activityFlows": [flow],
    }


def update_of(applet: dict[str, Any]) -> dict[str, Any]:
    """The applet sent back unchanged, every id kept: each PUT still makes a new version."""
    keys = {each["id"]: str(uuid.uuid4()) for each in applet["activities"]}
    return {
        "displayName": applet["displayName"],
        "encryption": applet["encryption"],
        "activities": [
            {
                "id": each["id"],
                "key": keys[each["id"]],
                "name": each["name"],
                "items": [
                    {
                        key: item[key]
                        for key in (
                            "id",
                            "name",
                            "question",
                            "responseType",
                            "responseValues",
                            "config",
                        )
                    }
                    for item in each["items"]
                ],
            }
            for each in applet["activities"]
        ],
        "activityFlows": [
            {
                "id": flow["id"],
                "name": flow["name"],
                "items": [
                    {"id": i["id"], "activityKey": keys[i["activityId"]]} for i in flow["items"]
                ],
            }
            for flow in applet["activityFlows"]
        ],
    }


def _queries(dep: Deployment, applet_id: str, body_file: str) -> int:
    """The queries of one PUT, counted in a process of the deployment (same database)."""
    output = dep.python(
        "import json\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from core.auth import token_pair_for\n"
        "from core.models import User\n"
        "owner = User.objects.get(email='owner@example.com')\n"
        "headers = {'HTTP_AUTHORIZATION': 'Bearer ' + token_pair_for(owner)['access']}\n"
        f"body = open({body_file!r}).read()\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        f"url = '/api/assessments/applets/{applet_id}'\n"
        "client.put(url, body, content_type='application/json', **headers)\n"
        "with CaptureQueriesContext(connection) as captured:\n"
        "    status = client.put(url, body, content_type='application/json', **headers).status_code\n"
        "print(status, len(captured))\n"
    )
    status, count = output.split()[-2:]
    if status != "200":
        raise RuntimeError(f"PUT for the query count answered {status}")
    return int(count)


def offline(dep: Deployment) -> HookReport:
    """Time PUTs of the 20 x 25 applet through the web server, then count one's queries."""
    with web_server(dep) as base:
        token = _login(base)
        owner = request_json(base, "GET", "/api/assessments/users/me", token=token)["result"]["id"]
        created = request_json(
            base,
            "POST",
            f"/api/assessments/workspaces/{owner}/applets",
            big_applet("Bench 20x25"),
            token=token,
        )["result"]
        body = update_of(created)
        timings = []
        for _ in range(PUT_ROUNDS):
            begun = time.perf_counter()
            request_json(
                base, "PUT", f"/api/assessments/applets/{created['id']}", body, token=token
            )
            timings.append((time.perf_counter() - begun) * 1000)
    body_file = str(dep.folder / "assessments-put.json")
    with open(body_file, "w") as out:
        json.dump(body, out)
    queries = _queries(dep, created["id"], body_file)
    median = statistics.median(timings)
    target = Target(
        f"assessments PUT of a {ACTIVITIES}x{ITEMS} applet",
        f"median {median:.0f} ms of {PUT_ROUNDS} (min {min(timings):.0f}, max {max(timings):.0f}), "
        f"{queries} queries",
        f"median < {MAX_PUT_MS} ms on SQLite",
        median < MAX_PUT_MS,
    )
    line = (
        f"Assessments: PUT /api/assessments/applets/{{id}} on {ACTIVITIES} activities of {ITEMS} "
        f"items (a full snapshot each time): median {median:.0f} ms over {PUT_ROUNDS} PUTs, "
        f"{queries} queries per PUT"
    )
    return HookReport(lines=["", line], targets=[target])


def load_mix(dep: Deployment, base: str) -> list[dict]:
    """The owner lists applets and reads the demo applet."""
    headers = {"Authorization": f"Bearer {_login(base)}"}
    applet = dep.python(
        "from modules.assessments.models import Applet; "
        "print(Applet.objects.get(display_name='Demo mood').pk)"
    ).split()[-1]
    return [
        {"method": "GET", "path": "/api/assessments/applets", "headers": headers},
        {"method": "GET", "path": f"/api/assessments/applets/{applet}", "headers": headers},
    ]
