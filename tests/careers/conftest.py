"""Careers fixtures: users with profiles, the option lists, and a local Firebase: an RSA key made
here and a certificate server on 127.0.0.1 (never the internet)."""

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.apps import apps

from modules.careers.models import CareerProfile, OptionKind, SweetSpotOption
from tests.conftest import make_user

PROJECT_ID = "whyness-test"
V1 = "/api/v1"


def careers_user(**fields: Any):
    """A user with their careers profile, as after their first request."""
    name = fields.pop("name", "")
    user = make_user(**fields)
    CareerProfile.objects.create(user=user, name=name)
    return user


@pytest.fixture
def member():
    return careers_user(name="Alan Hicks")


def make_options() -> dict[str, list[SweetSpotOption]]:
    """Six active options of each kind (and one inactive), ``Don't know`` first."""
    made: dict[str, list[SweetSpotOption]] = {}
    for kind in OptionKind.values:
        titles = [f"{kind.title()} {n}" for n in range(1, 6)]
        options = [SweetSpotOption.objects.create(kind=kind, title="Don't know", sort_order=0)]
        options += [SweetSpotOption.objects.create(kind=kind, title=title) for title in titles]
        SweetSpotOption.objects.create(kind=kind, title=f"Retired {kind}", status=0)
        made[kind] = options
    return made


@pytest.fixture
def options():
    return make_options()


def careers_state() -> dict[str, list[dict[str, Any]]]:
    """Every careers row and every user: what a refused request must leave as it was."""
    models = [*apps.get_app_config("careers").get_models(), apps.get_model("core", "User")]
    state = {}
    for model in models:
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            row.pop("last_seen_at", None)  # moved by core's bearer once a minute, by design
            row.pop("last_login", None)
        state[model._meta.label] = rows
    state["outbox"] = list(apps.get_model("core", "OutboxEmail").objects.values())
    return state


# Firebase


def _self_signed(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="session")
def rsa_keys():
    """Two signing keys (made once: RSA key generation is slow) with their certificates."""
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
    return [(key, _self_signed(key)) for key in keys]


class CertServer:
    """Serves ``{"<kid>": "<PEM>"}`` like Google's endpoint and counts the fetches."""

    def __init__(self) -> None:
        self.document: dict[str, str] = {}
        self.status = 200
        self.cache_control: str | None = "public, max-age=3600, must-revalidate, no-transform"
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                body = json.dumps(server.document).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                if server.cache_control is not None:
                    self.send_header("Cache-Control", server.cache_control)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/certs"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Firebase:
    """Signs ID tokens as Firebase would, with keys the certificate server publishes."""

    def __init__(self, server: CertServer, keys: list[tuple[rsa.RSAPrivateKey, str]]) -> None:
        self.server = server
        self.keys = {f"kid-{n}": key for n, (key, _pem) in enumerate(keys)}
        self.pems = {f"kid-{n}": pem for n, (_key, pem) in enumerate(keys)}
        self.publish("kid-0")

    def publish(self, *kids: str) -> None:
        self.server.document = {kid: self.pems[kid] for kid in kids}

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": f"https://securetoken.google.com/{PROJECT_ID}",
            "aud": PROJECT_ID,
            "auth_time": now - 30,
            "user_id": "uid-1",
            "sub": "uid-1",
            "iat": now - 10,
            "exp": now + 3600,
            "email": "fiona@example.com",
            "email_verified": True,
            "name": "Fiona Fire",
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, *, kid: str = "kid-0", key_of: str | None = None, **overrides: Any) -> str:
        """A token for ``claims(**overrides)`` (a None override drops the claim), signed with
        the key of ``key_of`` (default: ``kid``'s own)."""
        key = self.keys[key_of or kid]
        return jwt.encode(self.claims(**overrides), key, algorithm="RS256", headers={"kid": kid})

    def headers(self, **overrides: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(**overrides)}"}


@pytest.fixture
def cert_server() -> Iterator[CertServer]:
    server = CertServer()
    yield server
    server.stop()


@pytest.fixture
def firebase(settings, cert_server, rsa_keys) -> Firebase:
    settings.FIREBASE_PROJECT_ID = PROJECT_ID
    settings.FIREBASE_CERTS_URL = cert_server.url
    return Firebase(cert_server, rsa_keys)


def make_story(user, *, status: int = 4, transcript: str = "", system=None, **fields: Any):
    """A story (media row) as the pipeline of part 2 leaves it; no file is needed to read it."""
    from model_bakery import baker

    from modules.careers.models import Media, Question

    question = fields.pop("question", None) or Question.objects.create(question="Why?")
    return baker.make(
        Media,
        user=user,
        question=question,
        status=status,
        transcript=transcript,
        representational_system=system,
        file=f"careers/media/{user.pk}/story.wav",
        **fields,
    )


# AWS: moto's server on loopback (S3 and Transcribe), one per test module, emptied per test.


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    from tests.careers import transcribe_servers

    with transcribe_servers.moto_server() as aws:
        yield aws


@pytest.fixture
def moto_aws(settings: Any, monkeypatch: Any, moto: Any) -> Any:
    """Moto with its two buckets, and the settings pointing at it."""
    from tests.careers import transcribe_servers

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return transcribe_servers.moto_reset(moto, settings)


@pytest.fixture
def moto_storage(settings: Any, moto_aws: Any) -> Any:
    """``moto_aws`` with the default storage on its S3 bucket."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": moto_aws.bucket},
        },
    }
    return moto_aws
