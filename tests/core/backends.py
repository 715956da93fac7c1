"""Email backends that fail the way real SMTP servers do, for the outbox retry tests."""

import smtplib
from typing import Any

from django.core import mail
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


class ResetOnQuitBackend(BaseEmailBackend):
    """Shaped like Django's SMTP backend (send_messages opens, and then closes, a connection of
    its own unless one is open); the server accepts every message, then resets on QUIT."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.connected = False

    def open(self) -> bool:
        if self.connected:
            return False
        self.connected = True
        return True

    def close(self) -> None:
        if self.connected:
            self.connected = False
            calls.append("close")
            raise ConnectionResetError(104, "Connection reset by peer")

    def send_messages(self, email_messages: Any) -> int:
        new_connection = self.open()
        try:
            mail.outbox.extend(email_messages)
            return len(email_messages)
        finally:
            if new_connection:
                self.close()
