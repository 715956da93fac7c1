"""Shared fixtures: users with real JWTs, the HTTP client, and the real-queue switch."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from huey.contrib.djhuey import HUEY
from model_bakery import baker

from core.auth import token_pair_for
from core.models import User


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> Iterator[None]:
    cache.clear()
    HUEY.storage.flush_all()
    yield
    cache.clear()


@pytest.fixture
def client() -> Client:
    return Client()


def make_user(**fields: Any) -> User:
    fields.setdefault("email", baker.seq("user") + "@example.com")
    password = fields.pop("password", "pass-word-123")
    user = baker.make(User, **fields)
    user.set_password(password)
    user.save()
    return user


def bearer(user: User) -> dict[str, str]:
    """Headers for the test client: a real access token for ``user``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token_pair_for(user)['access']}"}


@pytest.fixture
def user() -> User:
    return make_user()


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    return bearer(user)
