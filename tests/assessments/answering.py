"""A world to answer in: an applet with a real key pair, two activities, a flow over both and
a respondent whose client encrypts its answers as MindLogger's clients do (client_crypto)."""

import copy
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from core.models import User
from modules.assessments.models import Subject
from tests.assessments.client_crypto import AppletKeys, Respondent, encrypt
from tests.assessments.conftest import (
    activity,
    applet_body,
    call,
    create_applet,
    grant,
    single_select,
    text_item,
)
from tests.conftest import make_user

START_MS = 1716200000000
END_MS = 1716200060000
PASSWORD = "rita-pass-1"


@dataclass
class World:
    owner: User
    keys: AppletKeys
    applet: dict[str, Any]
    respondent: User
    users: dict[str, User] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.applet["id"])

    @property
    def encryption(self) -> dict[str, str]:
        return self.applet["encryption"]

    def activity(self, index: int) -> dict[str, Any]:
        return self.applet["activities"][index]

    @property
    def flow(self) -> dict[str, Any]:
        return self.applet["activityFlows"][0]

    def subject_of(self, user: User) -> Subject:
        return Subject.objects.get(applet_id=self.id, user=user, is_deleted=False)


def make_world(client: Any, owner: User, *, name: str = "Mood", flows: int = 1) -> World:
    keys = AppletKeys.make(owner.public_id)
    morning = activity("Morning", items=[single_select("mood")])
    evening = activity("Evening", items=[text_item("note")])
    day = [{"activityKey": morning["key"]}, {"activityKey": evening["key"]}]
    body = applet_body(
        name=name,
        activities=[morning, evening],
        flows=[
            {"name": f"Day {n}", "description": {"en": ""}, "items": copy.deepcopy(day)}
            for n in range(flows)
        ],
        encryption=keys.encryption,
    )
    applet = create_applet(client, owner, body)
    respondent = make_user(email=f"rita-{uuid.uuid4().hex[:8]}@example.com", password=PASSWORD)
    grant(respondent, applet["id"], "respondent")
    return World(owner=owner, keys=keys, applet=applet, respondent=respondent)


def client_of(user: User, password: str = PASSWORD) -> Respondent:
    return Respondent(email=user.email, user_id=str(user.public_id), password=password)


def answer_body(
    world: World,
    user: User | None = None,
    *,
    activity_index: int = 0,
    password: str = PASSWORD,
    plain: Any = None,
    **changes: Any,
) -> dict[str, Any]:
    """#42's body as a client sends it: the answer and events encrypted with the key it shares
    with the applet."""
    user = user or world.respondent
    me = client_of(user, password)
    key = me.aes_key(world.encryption)
    chosen = world.activity(activity_index)
    plain = plain if plain is not None else [{"value": activity_index}]
    answer = {
        "answer": encrypt(json.dumps(plain), key),
        "events": encrypt(json.dumps([{"type": "SET_ANSWER", "time": END_MS}]), key),
        "itemIds": [item["id"] for item in chosen["items"]],
        "identifier": None,
        "userPublicKey": me.public_key(world.encryption),
        "startTime": START_MS,
        "endTime": END_MS,
        "scheduledTime": None,
        "scheduledEventId": None,
        "localEndDate": "2024-05-20",
        "localEndTime": "10:01:00",
        "tzOffset": None,
    }
    answer.update(changes.pop("answer", {}))
    body = {
        "appletId": world.id,
        "version": "1.1.0",
        "submitId": str(uuid.uuid4()),
        "activityId": chosen["id"],
        "flowId": None,
        "isFlowCompleted": None,
        "answer": answer,
        "createdAt": END_MS,
        "client": {"appId": "mindlogger-mobile", "appVersion": "1.0.0"},
        "alerts": [],
        "targetSubjectId": None,
        "sourceSubjectId": None,
    }
    body.update(changes)
    return body


def submit(client: Any, body: dict[str, Any], user: User, **headers: Any) -> Any:
    return call(client, "POST", "/answers", body, user=user, **headers)


def submitted(client: Any, world: World, user: User | None = None, **changes: Any) -> str:
    """Submit through #42 and return the new answer's id."""
    from modules.assessments.models import Answer

    user = user or world.respondent
    body = answer_body(world, user, **changes)
    response = submit(client, body, user)
    assert response.status_code == 201, response.content
    return str(Answer.objects.filter(submit_id=body["submitId"]).latest("created_at").pk)
