"""Email backends that fail the way real SMTP servers do, for the outbox retry tests."""

import smtplib
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

calls: list[Any] = []


class DisconnectedBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        calls.append(email_messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusedBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        calls.append(email_messages)
        raise ConnectionRefusedError(111, "Connection refused")


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        calls.append(email_messages)
        raise ValueError("cannot encode header")
