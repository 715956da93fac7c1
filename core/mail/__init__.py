"""The outbox: modules call ``queue_email``; a worker delivers, retries and records the outcome."""

from core.mail.services import queue_email

__all__ = ["queue_email"]
