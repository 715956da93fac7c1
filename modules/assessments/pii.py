"""Personal data at rest (spec §3, decision 3): subjects' and invitations' emails, names and
nicknames are Fernet tokens in the database, sealed under the first of
``ASSESSMENTS_ENCRYPTION_KEYS`` and opened with any of them, so a new key can be put first and
the old rows re-sealed later (``assessments_rotate_pii``). Lookups by email go through
``email_hash``, an HMAC-SHA256 of the lowercased email under ``ASSESSMENTS_EMAIL_HASH_KEY``: a key
of its own, so that rotating the Fernet keys leaves every hash valid.

With ``ASSESSMENTS_ENCRYPT_PII`` off new values are stored as given; tokens written before stay
readable while their key is configured."""

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction

logger = logging.getLogger(__name__)

# Every Fernet token starts with the version byte 0x80 and a 64-bit timestamp whose top bytes
# are zero for millennia: base64url "gAAAAA". Anything else was stored in the clear.
TOKEN_PREFIX = "gAAAAA"
MISSING_KEYS = (
    "ASSESSMENTS_ENCRYPTION_KEYS is empty while ASSESSMENTS_ENCRYPT_PII is on: set one or more "
    "Fernet keys (comma-separated, newest first), or DEBUG=1 for a key derived from SECRET_KEY."
)


def configured_keys() -> tuple[str, ...]:
    """The keys in force, newest first; under DEBUG only, one derived from ``SECRET_KEY``."""
    keys = tuple(key.strip() for key in settings.ASSESSMENTS_ENCRYPTION_KEYS if key.strip())
    if keys or not settings.DEBUG:
        return keys
    digest = hashlib.sha256(f"assessments-pii:{settings.SECRET_KEY}".encode()).digest()
    return (base64.urlsafe_b64encode(digest).decode(),)


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    return _fernet(keys)


def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``manage.py check`` (and migrate, runserver) refuse a configuration that cannot seal."""
    keys = configured_keys()
    if sealing() and not keys:
        return [checks.Error(MISSING_KEYS, id="assessments.E001")]
    if not keys:
        return []
    try:
        _fernet(keys)
    except ValueError as exc:
        return [
            checks.Error(
                f"ASSESSMENTS_ENCRYPTION_KEYS holds a value that is not a Fernet key: {exc}",
                hint="Make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="assessments.E002",
            )
        ]
    return []


def sealing() -> bool:
    return bool(settings.ASSESSMENTS_ENCRYPT_PII)


def seal(text: str) -> str:
    """A token under the newest key (the empty string stays empty: nothing to hide)."""
    if not text or not sealing():
        return text
    return fernet().encrypt(text.encode()).decode()


def is_token(stored: str) -> bool:
    return stored.startswith(TOKEN_PREFIX)


def unseal(stored: str) -> str:
    """The plaintext of a token opened by any configured key; a value stored in the clear (written
    while sealing was off) comes back as stored."""
    if not stored or not is_token(stored):
        return stored
    try:
        return fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        logger.warning("assessments: a stored value opens with no configured key")
        return stored


def email_hash(email: str) -> str:
    """HMAC-SHA256 of the lowercased email: the one way rows are found by email."""
    key = str(settings.ASSESSMENTS_EMAIL_HASH_KEY).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text sealed on the way to the database and opened on the way back. Tokens differ on every
    write, so equality and pattern lookups on these columns match nothing useful: filter by
    ``email_hash`` or in Python (selectors/subjects.py)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value) if isinstance(value, str) else value


def encrypted_columns(model: type[models.Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


@dataclass
class Rotated:
    rows: int = 0
    resealed: int = 0
    unreadable: int = 0


def _rotate_value(stored: str | None, box: MultiFernet | None, tally: Rotated) -> str | None:
    if not stored:
        return stored
    if not is_token(stored):
        return seal(stored)
    if box is None:
        tally.unreadable += 1
        return stored
    try:
        token = box.rotate(stored.encode()).decode()
    except InvalidToken:
        tally.unreadable += 1
        return stored
    return token if sealing() else box.decrypt(token).decode()


def _batches(model: type[models.Model], columns: list[str], size: int) -> Iterator[list[tuple]]:
    """Raw rows (pk, *columns) in primary-key order, ``size`` at a time: the stored tokens, not
    the opened values the ORM would give."""
    connection = connections[model._default_manager.db]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    selected = ", ".join([pk, *(quote(c) for c in columns)])
    last: Any = None
    while True:
        where, params = (f" WHERE {pk} > %s", [last]) if last is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {selected} FROM {table}{where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                [*params, size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rotate_rows(model: type[models.Model], *, batch: int = 500) -> Rotated:
    """Re-seal every encrypted column of ``model`` under the newest key (``MultiFernet.rotate``),
    seal values stored in the clear when sealing is on, and recompute ``email_hash`` from the
    email, so a changed hash key is repaired by the same pass. One transaction per batch: an
    interrupted run leaves each row under an old or the new key, both readable."""
    columns = encrypted_columns(model)
    attnames = {f.attname for f in model._meta.concrete_fields}
    hashed = {"email", "email_hash"} <= attnames
    read = [*columns, "email_hash"] if hashed else columns
    keys = configured_keys()
    if sealing() and not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    box, tally = (_fernet(keys) if keys else None), Rotated()
    connection = connections[model._default_manager.db]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    for rows in _batches(model, read, batch):
        with transaction.atomic(using=model._default_manager.db), connection.cursor() as cursor:
            for row in rows:
                tally.rows += 1
                stored = dict(zip(read, row[1:], strict=True))
                values = {c: _rotate_value(stored[c], box, tally) for c in columns}
                if hashed:
                    email = unseal(values.get("email") or "")
                    opened = bool(email) and not is_token(email)
                    values["email_hash"] = email_hash(email) if opened else stored["email_hash"]
                if values == stored:
                    continue
                tally.resealed += 1
                assignments = ", ".join(f"{quote(c)} = %s" for c in values)
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                    [*values.values(), row[0]],
                )
    return tally
