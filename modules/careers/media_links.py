"""Short-lived links to a story's original upload (spec careers.md §4.2, ``MEDIA_URL_TTL``).

On S3 the link is a presigned GET; on the filesystem it is this API's public
``media/{id}/file/?expires=<unix>&sig=<sig>``, signed with the secret key over the id and the
expiry, so a link names one story for a while and nothing else. A link carries no file name:
the route looks the story up, so a deleted story's links stop working at once.
"""

import hashlib
import hmac
import time
from base64 import urlsafe_b64encode
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from core.storage import is_s3, signed_url
from modules.careers.transcription.audio import CONTENT_TYPES

SALT = "careers.media.file"
FILE_ROUTE = "api:careers_media_file"


def content_type(audio_format: str) -> str:
    return CONTENT_TYPES.get(audio_format, "application/octet-stream")


class Links:
    """Links for the stories of one response: the expiry and the route's address are worked
    out once, each story then costs one HMAC (a list signs up to 500)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.ttl = settings.MEDIA_URL_TTL
        self.s3 = is_s3()
        self.expires = int(time.time()) + self.ttl
        self.key = _key(settings.SECRET_KEY)
        if not self.s3:
            self.prefix, self.suffix = request.build_absolute_uri(_route()).rsplit("/0/", 1)

    def url(self, media_id: int, name: str, audio_format: str) -> str:
        if self.s3:
            return signed_url(
                self.request, name, content_type=content_type(audio_format), max_age=self.ttl
            )
        sig = _sign(self.key, media_id, self.expires)
        return f"{self.prefix}/{media_id}/{self.suffix}?expires={self.expires}&sig={sig}"


@lru_cache(maxsize=1)
def _route() -> str:
    """The file route's path for id 0, whose id each link replaces."""
    return reverse(FILE_ROUTE, kwargs={"media_id": 0})


def signature(media_id: int, expires: int) -> str:
    """``django.core.signing.Signer(salt=SALT).signature("<id>:<expires>")``, with the key
    Django derives from the secret worked out once rather than for each of a list's links."""
    return _sign(_key(settings.SECRET_KEY), media_id, expires)


def _sign(key: bytes, media_id: int, expires: int) -> str:
    mac = hmac.digest(key, b"%d:%d" % (media_id, expires), "sha256")
    return urlsafe_b64encode(mac).rstrip(b"=").decode()


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # django.utils.crypto.salted_hmac: the key is sha256(key_salt + secret), and Signer's key
    # salt is its salt + "signer".
    return hashlib.sha256(f"{SALT}signer{secret}".encode()).digest()


def link_valid(media_id: int, expires: str, sig: str) -> bool:
    """The link's signature matches the id and expiry, and the expiry has not passed."""
    if not (expires.isascii() and expires.isdigit()) or len(expires) > 12:
        return False
    moment = int(expires)
    if moment < time.time():
        return False
    return constant_time_compare(sig, signature(media_id, moment))
