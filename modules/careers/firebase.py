"""Firebase ID tokens, verified (spec careers.md §2): the legacy server decoded them unchecked.

A token is RS256-signed by one of Google's keys, published as x509 certificates at
``FIREBASE_CERTS_URL`` (``{"<kid>": "<PEM>"}``). The document is kept in the Django cache (shared
by every web process) for the ``max-age`` its response allows. Google rotates keys ahead of use,
so a ``kid`` missing from the kept document refetches it, at most once a minute: a flood of forged
``kid`` values cannot turn into a flood of requests to Google. This fetch is the one outbound call
a web request may make (ARCHITECTURE rule 8): it is rare, cached and short.
"""

import base64
import binascii
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.x509 import load_pem_x509_certificate
from django.conf import settings
from django.core.cache import cache

from core.errors import ServiceUnavailable
from core.http import http_client

logger = logging.getLogger(__name__)

ISSUER_PREFIX = "https://securetoken.google.com/"
LEEWAY_SECONDS = 60
DEFAULT_MAX_AGE = 3600
REFETCH_EVERY = 60
FETCH_TIMEOUT = 5.0
MAX_UID_LENGTH = 128
MAX_EMAIL_LENGTH = 254
UNAVAILABLE = "Authentication service unavailable."

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


class InvalidToken(Exception):
    """The token is not a valid Firebase ID token for this project (a 401)."""


@dataclass(frozen=True, slots=True)
class Claims:
    """What the API uses of a verified token."""

    uid: str
    email: str
    email_verified: bool
    name: str | None


def is_firebase_token(token: str) -> bool:
    """Firebase ID tokens are RS256; the platform's own are HS256. Nothing is trusted yet.

    Only the header segment is decoded: this runs on every request, and PyJWT's
    ``get_unverified_header`` checks every character of the whole token first.
    """
    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and header.get("alg") == "RS256"


def verify(token: str) -> Claims:
    """The token's claims once every rule holds; ``InvalidToken`` otherwise, and
    ``ServiceUnavailable`` when no certificate can be had to check it against."""
    project_id = settings.FIREBASE_PROJECT_ID
    if not project_id:
        raise InvalidToken("Firebase tokens are not accepted here")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from None
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str) or not kid:
        raise InvalidToken("not an RS256 token naming its key")
    key = _public_key(kid)
    try:
        payload = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=project_id,
            issuer=f"{ISSUER_PREFIX}{project_id}",
            # The times are checked below: exp strictly, iat and auth_time with the leeway.
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["aud", "iss", "exp", "iat", "auth_time", "sub", "email"],
            },
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from None
    return _claims(payload)


def _claims(payload: dict[str, Any]) -> Claims:
    now = time.time()
    exp, iat, auth_time = (_number(payload, name) for name in ("exp", "iat", "auth_time"))
    if exp <= now:
        raise InvalidToken("expired")
    if iat > now + LEEWAY_SECONDS or auth_time > now + LEEWAY_SECONDS:
        raise InvalidToken("issued or authenticated in the future")
    uid = payload.get("sub")
    if not isinstance(uid, str) or not 1 <= len(uid) <= MAX_UID_LENGTH:
        raise InvalidToken("sub must be 1 to 128 characters")
    email = payload.get("email")
    if not isinstance(email, str) or not email.strip() or len(email) > MAX_EMAIL_LENGTH:
        raise InvalidToken("no usable email claim")
    name = payload.get("name")
    return Claims(
        uid=uid,
        email=email.strip(),
        email_verified=payload.get("email_verified") is True,
        name=name if isinstance(name, str) else None,
    )


def _number(payload: dict[str, Any], name: str) -> float:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"{name} must be a number")
    return float(value)


# Certificates


def _cache_key(suffix: str) -> str:
    url = hashlib.sha256(settings.FIREBASE_CERTS_URL.encode()).hexdigest()[:16]
    return f"careers:firebase-certs:{url}:{suffix}"


def _public_key(kid: str) -> RSAPublicKey:
    certificates: dict[str, str] | None = cache.get(_cache_key("document"))
    if certificates is None:
        certificates = fetch_certificates()
        if certificates is None:
            raise ServiceUnavailable(UNAVAILABLE)
    elif kid not in certificates and cache.add(_cache_key("refetch"), True, REFETCH_EVERY):
        certificates = fetch_certificates() or certificates
    pem = certificates.get(kid)
    if pem is None:
        raise InvalidToken("unknown key id")
    try:
        return _key_from_pem(pem)
    except ValueError as exc:
        raise InvalidToken(f"certificate {kid} is unusable: {exc}") from None


@lru_cache(maxsize=32)
def _key_from_pem(pem: str) -> RSAPublicKey:
    key = load_pem_x509_certificate(pem.encode()).public_key()
    if not isinstance(key, RSAPublicKey):
        raise ValueError("not an RSA key")
    return key


def fetch_certificates() -> dict[str, str] | None:
    """Fetch the certificate document and keep it for its ``max-age``; None when it cannot be
    had (the server is down, or answers something that is not a certificate document)."""
    try:
        with http_client(timeout=FETCH_TIMEOUT, max_retries=0) as client:
            response = client.get(settings.FIREBASE_CERTS_URL)
    except httpx.HTTPError as exc:
        logger.warning("Firebase certificates unreachable: %s", exc)
        return None
    if response.status_code != 200:
        logger.warning("Firebase certificates: HTTP %s", response.status_code)
        return None
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict) or not all(
        isinstance(kid, str) and isinstance(pem, str) for kid, pem in document.items()
    ):
        logger.warning("Firebase certificates: not a {kid: certificate} document")
        return None
    cache.set(_cache_key("document"), document, max_age(response.headers.get("Cache-Control")))
    return document


def max_age(cache_control: str | None) -> int:
    """Seconds a response may be kept: its ``max-age``, else an hour."""
    found = _MAX_AGE.search(cache_control or "")
    return int(found.group(1)) if found else DEFAULT_MAX_AGE
