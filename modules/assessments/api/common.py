"""What every assessments router shares: camelCase answers, the module tag, the throttle of the
public account endpoints and the error responses each operation documents."""

from typing import Any

from ninja import Router
from ninja.throttling import BaseThrottle

from core.auth import AuthThrottle
from modules.assessments.schemas.common import AUTHED, PUBLIC, THROTTLED, ErrorsOut

TAG = "assessments"
THROTTLE: list[BaseThrottle] = [AuthThrottle()]


def router() -> Router:
    return Router(tags=[TAG], by_alias=True)


def errors(*statuses: int, public: bool = False, throttled: bool = False) -> dict[int, Any]:
    """The error responses of an operation: the envelope for each status named, plus 401 and
    422 for authenticated ones (422 only for public ones) and 429 where throttled."""
    documented: dict[int, Any] = dict(PUBLIC if public else AUTHED)
    documented.update(dict.fromkeys(statuses, ErrorsOut))
    if throttled:
        documented.update(THROTTLED)
    return documented
