"""What every careers view shares: the routers' settings and the responses they document."""

from typing import Any

from ninja.throttling import BaseThrottle

from core.auth import AuthThrottle, SettingThrottle
from core.schemas import ErrorOut, ValidationErrorOut

TAGS = ["careers"]

# A bearer request can also meet a Firebase token whose email is another account's (409) or no
# certificate to check it against (503).
AUTHED: dict[int, Any] = {401: ErrorOut, 409: ErrorOut, 503: ErrorOut}
BODY: dict[int, Any] = {400: ValidationErrorOut, 413: ErrorOut, 415: ErrorOut}
LIST: dict[int, Any] = {400: ValidationErrorOut}
MISSING: dict[int, Any] = {404: ErrorOut}
THROTTLED: dict[int, Any] = {429: ErrorOut}


FEEDBACK_THROTTLE: list[BaseThrottle] = [SettingThrottle("CAREERS_FEEDBACK_RATE")]
PROSPECT_THROTTLE: list[BaseThrottle] = [SettingThrottle("CAREERS_PROSPECT_RATE")]
ERRORLOG_THROTTLE: list[BaseThrottle] = [SettingThrottle("CAREERS_ERRORLOG_RATE")]
RESET_THROTTLE: list[BaseThrottle] = [AuthThrottle()]
