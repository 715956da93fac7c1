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


class RateThrottle(SettingThrottle):
    """Core's per-address throttle, also reading DRF's spelling of a rate (``10/minute``, as
    the careers settings are documented): DRF looked at the period's first letter only."""

    DRF_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        try:
            return super().parse_rate(rate)
        except ValueError:
            count, _, period = (rate or "").partition("/")
            duration = self.DRF_PERIODS.get(period.strip()[:1].lower())
            if duration is None or not count.strip().isdigit():
                raise
            return int(count), duration


FEEDBACK_THROTTLE: list[BaseThrottle] = [RateThrottle("CAREERS_FEEDBACK_RATE")]
PROSPECT_THROTTLE: list[BaseThrottle] = [RateThrottle("CAREERS_PROSPECT_RATE")]
ERRORLOG_THROTTLE: list[BaseThrottle] = [RateThrottle("CAREERS_ERRORLOG_RATE")]
RESET_THROTTLE: list[BaseThrottle] = [AuthThrottle()]
