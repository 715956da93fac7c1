"""Helpers the modules' ``demo.py`` share to build the demo data of ``seed_demo`` (core spec §10)."""

from typing import Any

from core.models import User


def ensure_user(email: str, password: str, **fields: Any) -> User:
    """Create a demo account once; later runs leave it (and any password change) alone."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, **fields)
    return user
