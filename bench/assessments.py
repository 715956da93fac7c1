"""Benchmark hook for assessments (issues 14 and 15): the demo owner's applet list under load
against hello (target: at least 25% of hello's throughput in the same run), and the time of one
``PUT /api/assessments/applets/{id}`` on an applet of 20 activities of 25 items each, snapshot
included (target: median under 500 ms on SQLite), with the number of queries it makes.

Answers (issue 15): ``POST /api/assessments/answers`` throughput with a realistic encrypted body;
the CSV export of 100,000 answers streamed through the web server (targets: at least 20,000
rows/s, the serving process's peak RSS under 150 MB, and within 10% of its peak for 50,000 rows,
each export on a fresh server); re-encryption answers per second after a password change.
``python -m bench.assessments`` runs the answer figures alone (exit 1 when a target is missed)."""

import http.client
import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.harness import (
    Deployment,
    HookReport,
    LoadResult,
    Target,
    deployment,
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


def _put_offline(dep: Deployment) -> HookReport:
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


def offline(dep: Deployment) -> HookReport:
    put = _put_offline(dep)
    answers = answers_offline(dep)
    return HookReport(lines=put.lines + answers.lines, targets=put.targets + answers.targets)


# Answers (issue 15)

POST_SECONDS = 5
POST_THREADS = 4
EXPORT_ROWS = (50_000, 100_000)
MIN_EXPORT_ROWS_PER_SECOND = 20_000
MAX_EXPORT_RSS_MB = 150
MAX_RSS_GROWTH = 0.10
REENCRYPTED = 2_000


def _demo_world(dep: Deployment) -> dict[str, Any]:
    """The demo applet's ids and encryption, and the owner's public key there (the owner is a
    respondent of its own applet)."""
    output = dep.python(
        "import json\n"
        "from modules.assessments.models import Applet\n"
        "from modules.assessments.services.reencryption import applet_key, password_hash, "
        "private_key\n"
        "a = Applet.objects.get(display_name='Demo mood')\n"
        "act = a.activities.order_by('order').first()\n"
        "o = a.owner\n"
        "key = applet_key(a.encryption, private_key(password_hash('owner-pass-1', o.email), "
        "o.public_id, o.email))\n"
        "print(json.dumps({'applet': str(a.pk), 'version': a.version, 'activity': str(act.pk), "
        "'items': [str(i.pk) for i in act.items.order_by('order')], "
        "'public': json.dumps(key.public), 'aes': key.aes_key.hex()}))\n"
    )
    return dict(json.loads(output.strip().splitlines()[-1]))


def _encrypt(text: str, key: bytes) -> str:
    """AES-256-CBC/PKCS7 as the clients write it (the bench runs outside Django)."""
    import os

    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return f"{iv.hex()}:{(encryptor.update(data) + encryptor.finalize()).hex()}"


def answer_body(world: dict[str, Any]) -> dict[str, Any]:
    """What a mobile client sends for one activity: the answers and the screen events,
    encrypted with the key it shares with the applet."""
    key = bytes.fromhex(world["aes"])
    answers = [{"value": n % 3, "text": f"note {n}"} for n in range(len(world["items"]))]
    events = [
        {"type": kind, "screen": n, "time": 1716200000000 + n * 1000}
        for n in range(10)
        for kind in ("SET_ANSWER", "NEXT")
    ]
    return {
        "appletId": world["applet"],
        "version": world["version"],
        "submitId": str(uuid.uuid4()),
        "activityId": world["activity"],
        "flowId": None,
        "isFlowCompleted": None,
        "answer": {
            "answer": _encrypt(json.dumps(answers), key),
            "events": _encrypt(json.dumps(events), key),
            "itemIds": world["items"],
            "identifier": None,
            "userPublicKey": world["public"],
            "startTime": 1716200000000,
            "endTime": 1716200060000,
            "scheduledTime": None,
            "scheduledEventId": None,
            "localEndDate": "2024-05-20",
            "localEndTime": "10:01:00",
            "tzOffset": 120,
        },
        "createdAt": 1716200060000,
        "client": {"appId": "mindlogger-mobile", "appVersion": "1.0.0", "width": 390},
        "alerts": [],
        "targetSubjectId": None,
        "sourceSubjectId": None,
    }


def _post_throughput(base: str, token: str, world: dict[str, Any]) -> tuple[float, int, int]:
    """Answers per second from ``POST_THREADS`` keep-alive clients for ``POST_SECONDS``;
    every body is encrypted ahead so the clients only send."""
    host, port = base.removeprefix("http://").split(":")
    bodies = [json.dumps(answer_body(world)) for _ in range(4000)]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    done, failed, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + POST_SECONDS

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        index = offset
        while time.monotonic() < deadline:
            conn.request("POST", "/api/assessments/answers", body=bodies[index], headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                if response.status == 201:
                    done[0] += 1
                else:
                    failed[0] += 1
            index = (index + POST_THREADS) % len(bodies)
        conn.close()

    begun = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(POST_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - begun), done[0], failed[0]


def load_answers(applet_name: str, count: int) -> None:
    """Run inside a deployment: an applet of the demo owner with ``count`` answers (bulk, with
    ciphertexts of realistic length), for the export."""
    import os
    from datetime import UTC, datetime, timedelta

    from core.models import User
    from modules.assessments.demo import encryption_for
    from modules.assessments.models import Answer, AnswerItem, Subject, id_version
    from modules.assessments.schemas.applets_in import AppletCreateIn
    from modules.assessments.services.applets import applet_create

    owner = User.objects.get(email="owner@example.com")
    item = {
        "name": "day",
        "question": {"en": "Which day?"},
        "responseType": "date",
        "config": {
            "removeBackButton": False,
            "skippableItem": False,
            "timer": 0,
            "additionalResponseOption": {"textInputOption": False, "textInputRequired": False},
        },
    }
    body = {
        "displayName": applet_name,
        "encryption": encryption_for(owner, "owner-pass-1"),
        "activities": [{"key": str(uuid.uuid4()), "name": "Daily", "items": [item]}],
    }
    applet = applet_create(
        actor=owner, owner_id=owner.public_id, body=AppletCreateIn.model_validate(body)
    )
    activity = applet.activities.get()
    subject = Subject.objects.get(applet=applet, user=owner)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    public = json.dumps(list(os.urandom(128)), separators=(",", ":"))
    for begin in range(0, count, 5000):
        answers, items = [], []
        for n in range(begin, min(count, begin + 5000)):
            moment = start + timedelta(seconds=n)
            answer = Answer(
                applet=applet,
                version=applet.version,
                submit_id=uuid.uuid4(),
                applet_history_id=id_version(applet.pk, applet.version),
                activity_history_id=id_version(activity.pk, applet.version),
                activity_id=activity.pk,
                respondent=owner,
                target_subject=subject,
                source_subject=subject,
                input_subject=subject,
                client={"appId": "mindlogger-mobile", "appVersion": "1.0.0"},
                created_at=moment,
            )
            answers.append(answer)
            items.append(
                AnswerItem(
                    answer_row=answer,
                    respondent=owner,
                    answer=f"{os.urandom(16).hex()}:{os.urandom(96).hex()}",
                    events=f"{os.urandom(16).hex()}:{os.urandom(480).hex()}",
                    item_ids=[str(activity.items.get().pk) if n == 0 else str(uuid.uuid4())],
                    user_public_key=public,
                    start_datetime=moment,
                    end_datetime=moment + timedelta(seconds=60),
                    tz_offset=120,
                )
            )
        Answer.objects.bulk_create(answers)
        AnswerItem.objects.bulk_create(items)
    print(applet.pk)


def _peak_rss_mb(port: int) -> float:
    """The highest peak resident set (VmHWM) of the server's processes (the one serving)."""
    peak = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"granian" not in b" ".join(cmdline) or str(port).encode() not in cmdline:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def _export(dep: Deployment, applet_id: str, expected: int) -> tuple[float, float, int, float]:
    """One CSV export on a fresh one-worker server: rows per second, the peak RSS, the rows and
    the peak RSS the worker had reached before the export (start-up and a log-in)."""
    with web_server(dep, workers=1) as base:
        token = _login(base)
        host, port = base.removeprefix("http://").split(":")
        idle = _peak_rss_mb(int(port))
        conn = http.client.HTTPConnection(host, int(port), timeout=300)
        begun = time.perf_counter()
        conn.request(
            "GET",
            f"/api/assessments/answers/applet/{applet_id}/data?format=csv",
            headers={"Authorization": f"Bearer {token}"},
        )
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"CSV export answered {response.status}")
        lines = 0
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - begun
        rss = _peak_rss_mb(int(port))
    rows = lines - 1
    if rows != expected:
        raise RuntimeError(f"CSV export gave {rows} rows, expected {expected}")
    return rows / seconds, rss, rows, idle


def _reencryption_rate(dep: Deployment) -> tuple[float, int]:
    """A respondent with ``REENCRYPTED`` answers under its key changes its password; the job
    runs in one process (as a worker would) and is timed."""
    output = dep.python(
        "import json, time, uuid\n"
        "from datetime import UTC, datetime\n"
        "from core.models import User\n"
        "from modules.assessments.models import Answer, AnswerItem, Applet, ReencryptionJob, "
        "Subject, id_version\n"
        "from modules.assessments.services.accounts import password_change\n"
        "from modules.assessments.services.reencryption import applet_key, encrypt, "
        "password_hash, private_key, reencryption_run\n"
        "a = Applet.objects.get(display_name='Demo mood')\n"
        "act = a.activities.order_by('order').first()\n"
        "u = User.objects.create_user('rekey@example.com', 'old-pass-123', first_name='R')\n"
        "s = Subject.objects.create(applet=a, user=u, secret_user_id='rekey')\n"
        "k = applet_key(a.encryption, private_key(password_hash('old-pass-123', u.email), "
        "u.public_id, u.email))\n"
        "pub = json.dumps(k.public, separators=(',', ':'))\n"
        "now = datetime.now(UTC)\n"
        "answers = [Answer(applet=a, version=a.version, submit_id=uuid.uuid4(), "
        "applet_history_id=id_version(a.pk, a.version), "
        "activity_history_id=id_version(act.pk, a.version), activity_id=act.pk, respondent=u, "
        f"target_subject=s, source_subject=s, client={{}}) for _ in range({REENCRYPTED})]\n"
        "Answer.objects.bulk_create(answers)\n"
        "plain = json.dumps([{'value': n, 'text': 'note'} for n in range(10)])\n"
        "events = json.dumps([{'type': 'NEXT', 'time': n} for n in range(20)])\n"
        "AnswerItem.objects.bulk_create([AnswerItem(answer_row=x, respondent=u, "
        "answer=encrypt(plain, k.aes_key), events=encrypt(events, k.aes_key), item_ids=[], "
        "user_public_key=pub, start_datetime=now, end_datetime=now) for x in answers])\n"
        "from huey.contrib.djhuey import HUEY\n"
        "HUEY.immediate = False\n"
        "password_change(user=u, password='new-pass-456', prev_password='old-pass-123')\n"
        "job = ReencryptionJob.objects.get(user=u)\n"
        "begun = time.perf_counter()\n"
        "status = reencryption_run(job_id=job.pk)\n"
        "seconds = time.perf_counter() - begun\n"
        "job.refresh_from_db()\n"
        "print(status, job.processed, seconds)\n"
    )
    status, processed, seconds = output.strip().splitlines()[-1].split()
    if status != "succeeded" or int(processed) != REENCRYPTED:
        raise RuntimeError(f"re-encryption ended {status} with {processed} answers")
    return int(processed) / float(seconds), int(processed)


def answers_offline(dep: Deployment) -> HookReport:
    world = _demo_world(dep)
    with web_server(dep) as base:
        rate, posted, failed = _post_throughput(base, _login(base), world)
    if failed:
        raise RuntimeError(f"{failed} answers were refused during the POST benchmark")
    exports: dict[int, tuple[float, float, int, float]] = {}
    for count in EXPORT_ROWS:
        applet_id = dep.python(
            f"from bench.assessments import load_answers; load_answers('Export {count}', {count})"
        ).split()[-1]
        exports[count] = _export(dep, applet_id, count)
    rekey_rate, rekeyed = _reencryption_rate(dep)
    small, large = exports[EXPORT_ROWS[0]], exports[EXPORT_ROWS[1]]
    growth = large[1] / small[1] - 1 if small[1] else float("inf")
    targets = [
        Target(
            f"assessments CSV export of {large[2]:,} answers",
            f"{large[0]:,.0f} rows/s",
            f">= {MIN_EXPORT_ROWS_PER_SECOND:,} rows/s",
            large[0] >= MIN_EXPORT_ROWS_PER_SECOND,
        ),
        Target(
            "assessments CSV export peak RSS",
            f"{large[1]:.0f} MB for {large[2]:,} rows",
            f"< {MAX_EXPORT_RSS_MB} MB",
            large[1] < MAX_EXPORT_RSS_MB,
        ),
        Target(
            "assessments CSV export memory does not grow",
            f"{large[1]:.0f} MB at {large[2]:,} rows vs {small[1]:.0f} MB at {small[2]:,} "
            f"({growth:+.1%})",
            f"within {MAX_RSS_GROWTH:.0%}",
            abs(growth) <= MAX_RSS_GROWTH,
        ),
    ]
    lines = [
        "",
        f"Assessments: POST /api/assessments/answers (a realistic encrypted body, "
        f"{POST_THREADS} keep-alive clients, {POST_SECONDS} s, granian 2 workers): "
        f"{rate:,.0f} answers/s ({posted} stored)",
        f"Assessments: CSV export, one fresh granian worker per run: {small[2]:,} rows at "
        f"{small[0]:,.0f} rows/s (peak RSS {small[1]:.0f} MB, {small[3]:.0f} MB before it), "
        f"{large[2]:,} rows at {large[0]:,.0f} rows/s (peak RSS {large[1]:.0f} MB, "
        f"{large[3]:.0f} MB before it)",
        f"Assessments: re-encryption after a password change: {rekeyed:,} answers at "
        f"{rekey_rate:,.0f} answers/s (one process, batches of 500)",
    ]
    return HookReport(lines=lines, targets=targets)


def main() -> int:
    """The answer figures alone, in their own deployment with the demo data."""
    with deployment() as dep:
        dep.manage("seed_demo", DEBUG="1")
        report = answers_offline(dep)
    print("\n".join([*report.lines, "", *(target.line() for target in report.targets)]))
    return 0 if all(target.ok for target in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main())
