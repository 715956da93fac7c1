"""Outbound HTTP for every module: explicit timeouts and bounded retries that honour Retry-After.

Language models, transcription endpoints and certificate servers are all called through
``http_client``: a busy server (429, 5xx) or an unreachable one is tried again a bounded number
of times after a growing pause, or after the pause the server asked for when that is reasonable;
anything else is answered at once. Only the worker calls out (ARCHITECTURE rule 8), except for
cached certificate fetches.
"""

import email.utils
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import httpx

BACKOFF_SECONDS: tuple[float, ...] = (2, 4, 8, 16)
MAX_RETRY_AFTER = 60.0


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class RetryTransport(httpx.BaseTransport):
    """Retries a request that met a busy or unreachable server, at most ``max_retries`` times.

    The pause is the next of ``backoff`` plus up to a second of jitter, or the server's
    ``Retry-After`` when that is longer but within ``max_retry_after``. When retries run out the
    last response is returned (the caller reads its status) or the last error raised.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        max_retries: int,
        backoff: Sequence[float] = BACKOFF_SECONDS,
        max_retry_after: float = MAX_RETRY_AFTER,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.inner = inner
        self.max_retries = max(0, max_retries)
        self.backoff = tuple(backoff) or (1.0,)
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.jitter = jitter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self.inner.handle_request(request)
            except (httpx.TimeoutException, httpx.TransportError):
                if attempt >= self.max_retries:
                    raise
            else:
                busy = response.status_code == 429 or response.status_code >= 500
                if not busy or attempt >= self.max_retries:
                    return response
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                response.read()
                response.close()
            delay = self.backoff[min(attempt, len(self.backoff) - 1)] + self.jitter()
            if retry_after is not None and delay < retry_after <= self.max_retry_after:
                delay = retry_after
            self.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


def http_client(
    *,
    base_url: str = "",
    timeout: float,
    connect_timeout: float | None = None,
    max_retries: int = 2,
    headers: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> httpx.Client:
    """An ``httpx.Client`` with explicit timeouts and the retries of ``RetryTransport``.

    ``transport`` replaces the network (a test's ``httpx.MockTransport`` or a local server's);
    ``sleep`` and ``jitter`` let tests run without waiting.
    """
    inner = transport or httpx.HTTPTransport()
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        headers=dict(headers or {}),
        timeout=httpx.Timeout(timeout, connect=connect_timeout or min(timeout, 10.0)),
        transport=RetryTransport(inner, max_retries=max_retries, sleep=sleep, jitter=jitter),
    )
