"""Outbox services: queue an email in the caller's transaction, deliver it from the worker."""

import logging
import smtplib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from core import jobs
from core.models import OutboxAttachment, OutboxEmail

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]

# Failures worth another attempt: the server said no for now, or could not be reached.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


OUTBOX_QUEUE = jobs.JobQueue(
    name="outbox",
    model=OutboxEmail,
    wake=jobs.huey_wake("core.tasks.deliver_email"),
    heartbeat_timeout=lambda: settings.OUTBOX_HEARTBEAT_TIMEOUT,
    requeue_after=lambda: settings.OUTBOX_REQUEUE_AFTER,
    exhausted=lambda email: email.attempts > email.max_retries,
    queued=OutboxEmail.Status.QUEUED,
    running=OutboxEmail.Status.SENDING,
    failed=OutboxEmail.Status.FAILED,
)


def _recipients(to: str | Iterable[str | None]) -> list[str]:
    addresses: list[str | None] = [to] if isinstance(to, str) else list(to)
    seen: set[str] = set()
    unique = []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def queue_email(
    to: str | Iterable[str | None],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    *,
    max_retries: int | None = None,
    retry_delay: int | None = None,
    from_email: str | None = None,
) -> OutboxEmail | None:
    """Write the email row and wake a worker after commit; None when nobody is left to receive it.

    Empty and duplicate (case-insensitive) addresses are dropped, so callers can pass the users
    involved as they are.
    """
    recipients = _recipients(to)
    if not recipients:
        return None
    with transaction.atomic():
        email = OutboxEmail.objects.create(
            to=recipients,
            subject=subject.replace("\n", " ").strip(),
            text=text,
            html=html or "",
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            max_retries=settings.OUTBOX_MAX_RETRIES if max_retries is None else max_retries,
            retry_delay=settings.OUTBOX_RETRY_DELAY if retry_delay is None else retry_delay,
        )
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(email=email, filename=name, content=content, mimetype=mimetype)
            for name, content, mimetype in attachments
        )
        jobs.enqueue(OUTBOX_QUEUE, email.pk)
    return email


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=email.from_email,
        to=email.to,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        headers={"X-Outbox-ID": str(email.pk)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _send(message: EmailMultiAlternatives) -> None:
    """Send, then hang up apart: once the server has accepted the message, an error while hanging
    up (a connection reset on QUIT) is no failed delivery, and retrying would send it twice."""
    connection = message.get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    except BaseException:
        _hang_up(connection)
        raise
    _hang_up(connection)


def _hang_up(connection: Any) -> None:
    try:
        connection.close()
    except Exception as exc:
        logger.warning("closing the mail connection failed: %s", _reason(exc))


def email_deliver(*, email_id: int) -> str:
    """Send one claimed email; transient failures go back to the queue until retries run out.

    Returns the row's status afterwards. Running it for a row that is not due or already taken
    changes nothing, so a duplicate wake-up is harmless.
    """
    if not jobs.claim(OUTBOX_QUEUE, email_id):
        return "skipped"
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        _send(_message(email))
    except TRANSIENT_ERRORS as exc:
        reason = _reason(exc)
        status = jobs.retry_or_fail(
            OUTBOX_QUEUE,
            email_id,
            attempts=email.attempts,
            delays=[email.retry_delay] * email.max_retries,
            error=reason,
        )
        if status is None:
            return "skipped"  # swept meanwhile: another worker owns it now
        if status == OutboxEmail.Status.FAILED:
            logger.warning(
                "email %s failed after %s attempts: %s", email_id, email.attempts, reason
            )
        else:
            logger.info(
                "email %s attempt %s failed, retrying: %s", email_id, email.attempts, reason
            )
        return status
    except Exception as exc:
        logger.exception("email %s cannot be sent", email_id)
        jobs.fail(OUTBOX_QUEUE, email_id, error=_reason(exc))
        return OutboxEmail.Status.FAILED
    OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.SENDING).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutboxEmail.Status.SENT


def email_retry(*, email_ids: Iterable[int]) -> int:
    """Staff retry: failed emails get a fresh set of attempts and a new wake-up."""
    count = 0
    with transaction.atomic():
        for email_id in email_ids:
            moved = OutboxEmail.objects.filter(
                pk=email_id, status=OutboxEmail.Status.FAILED
            ).update(
                status=OutboxEmail.Status.QUEUED,
                attempts=0,
                next_attempt_at=timezone.now(),
                last_error="",
            )
            if moved:
                jobs.enqueue(OUTBOX_QUEUE, email_id)
                count += 1
    return count


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:2000]
