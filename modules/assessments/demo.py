"""Demo data (spec §14): the owner ``owner@example.com`` / ``owner-pass-1`` and the applet
"Demo mood" at 1.1.0, made through the same service as the API (history and accesses
included): "Morning" (single select, slider), "Evening" (text, date) and one flow over both.

Its encryption is a real key pair, as the legacy clients derive it: the private key is
``sha512(password + email) ‖ sha512(accountId + email)`` and the public key ``base^priv mod
prime``, integers written as JSON lists of their big-endian bytes; the account id is the owner's.
"""

import hashlib
import json
import uuid
from typing import Any

from core.demo import ensure_user
from core.models import User
from modules.assessments.models import Applet
from modules.assessments.schemas.applets_in import AppletCreateIn
from modules.assessments.services.applets import applet_create
from modules.assessments.services.workspaces import workspace_ensure

EMAIL = "owner@example.com"
PASSWORD = "owner-pass-1"
APPLET = "Demo mood"
# RFC 2409's 1024-bit MODP group (Oakley group 2): a safe prime with generator 2.
PRIME = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
    16,
)
BASE = 2


def _bytes(value: int) -> list[int]:
    return list(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def encryption_for(user: User, password: str) -> dict[str, str]:
    email = user.email.lower()
    private = int.from_bytes(
        hashlib.sha512(f"{password}{email}".encode()).digest()
        + hashlib.sha512(f"{user.public_id}{email}".encode()).digest(),
        "big",
    )
    return {
        "publicKey": json.dumps(_bytes(pow(BASE, private, PRIME)), separators=(",", ":")),
        "prime": json.dumps(_bytes(PRIME), separators=(",", ":")),
        "base": json.dumps(_bytes(BASE), separators=(",", ":")),
        "accountId": str(user.public_id),
    }


SCREEN = {"removeBackButton": False, "skippableItem": False}
EXTRA = {"additionalResponseOption": {"textInputOption": False, "textInputRequired": False}}


def _morning() -> dict[str, Any]:
    select = {
        "name": "mood",
        "question": {"en": "How do you feel this morning?"},
        "responseType": "singleSelect",
        "config": {
            **SCREEN,
            **EXTRA,
            "randomizeOptions": False,
            "timer": 0,
            "addScores": False,
            "setAlerts": False,
            "addTooltip": False,
            "setPalette": False,
        },
        "responseValues": {
            "options": [
                {"text": "Good", "value": 0},
                {"text": "So-so", "value": 1},
                {"text": "Bad", "value": 2},
            ]
        },
    }
    slider = {
        "name": "energy",
        "question": {"en": "How much energy do you have?"},
        "responseType": "slider",
        "config": {
            **SCREEN,
            **EXTRA,
            "addScores": False,
            "setAlerts": False,
            "showTickMarks": True,
            "showTickLabels": True,
            "continuousSlider": False,
            "timer": 0,
        },
        "responseValues": {"minLabel": "None", "maxLabel": "Plenty", "minValue": 0, "maxValue": 10},
    }
    return {"key": str(uuid.uuid4()), "name": "Morning", "items": [select, slider]}


def _evening() -> dict[str, Any]:
    text = {
        "name": "highlight",
        "question": {"en": "What went well today?"},
        "responseType": "text",
        "config": {
            **SCREEN,
            "maxResponseLength": 300,
            "correctAnswerRequired": False,
            "numericalResponseRequired": False,
            "responseDataIdentifier": False,
            "responseRequired": False,
        },
        "responseValues": None,
    }
    date = {
        "name": "day",
        "question": {"en": "Which day is this about?"},
        "responseType": "date",
        "config": {**SCREEN, **EXTRA, "timer": 0},
        "responseValues": None,
    }
    return {"key": str(uuid.uuid4()), "name": "Evening", "items": [text, date]}


def seed(*, stdout: Any) -> None:
    owner = ensure_user(EMAIL, PASSWORD, first_name="Olivia", last_name="Owner")
    workspace_ensure(owner)
    if not Applet.objects.filter(owner=owner, display_name=APPLET, is_deleted=False).exists():
        morning, evening = _morning(), _evening()
        body = AppletCreateIn.model_validate(
            {
                "displayName": APPLET,
                "description": {"en": "How the day goes, morning and evening."},
                "about": {"en": "A demo applet of the assessments module."},
                "encryption": encryption_for(owner, PASSWORD),
                "activities": [morning, evening],
                "activityFlows": [
                    {
                        "name": "Whole day",
                        "description": {"en": "Morning, then evening."},
                        "items": [{"activityKey": morning["key"]}, {"activityKey": evening["key"]}],
                    }
                ],
            }
        )
        applet_create(actor=owner, owner_id=owner.public_id, body=body)
    stdout.write(f"assessments owner: {EMAIL} / {PASSWORD} (applet {APPLET!r})")
