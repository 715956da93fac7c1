"""Where a write came from: the client address (as core's throttles see it) and user agent."""

import ipaddress
from dataclasses import dataclass

from django.http import HttpRequest

from core.auth import SettingThrottle

USER_AGENT_MAX = 500

# Only its address logic is used: the hops our own proxies appended (NUM_PROXIES), never a
# client's own X-Forwarded-For.
_addresses = SettingThrottle("AUTH_THROTTLE_RATE", scope="careers-visit")


@dataclass(frozen=True, slots=True)
class Visit:
    ip: str | None
    user_agent: str

    def fields(self) -> dict[str, str | None]:
        return {"ip": self.ip, "user_agent": self.user_agent}


def visit_of(request: HttpRequest) -> Visit:
    address = _addresses.get_ident(request)
    try:
        ip = str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        ip = None
    # PostgreSQL text refuses NUL characters; no user agent needs them.
    user_agent = request.headers.get("User-Agent", "").replace("\x00", "")[:USER_AGENT_MAX]
    return Visit(ip=ip, user_agent=user_agent)
