"""The re-encryption of a respondent's answers after a password change (spec §9).

A ``core.models.JobRow``: the row is the truth, a Huey message only wakes a worker, and core's
sweep finds rows whose worker died or whose message was lost. §9 names the states; ``retrying``
is a queued row waiting out its retry delay (core claims it from either waiting state).
"""

import uuid

from django.conf import settings
from django.db import models

from core.models import JobRow


class ReencryptionState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATES = (
    ReencryptionState.QUEUED,
    ReencryptionState.RUNNING,
    ReencryptionState.RETRYING,
)


class ReencryptionJob(JobRow):
    """``cursor`` is ``{"applet": <id>, "item": <last item id>}``, saved with each batch of
    re-encrypted items, so a resumed job starts after the last one committed. ``secret`` holds
    the two password hashes, Fernet-encrypted, until the job reaches a final state."""

    State = ReencryptionState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_reencryptions"
    )
    status = models.CharField(
        max_length=16,
        choices=ReencryptionState.choices,
        default=ReencryptionState.QUEUED,
        db_index=True,
    )
    cursor = models.JSONField(default=dict, blank=True)
    processed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    secret = models.TextField(blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "re-encryption job"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReencryptionState.values),
                name="assessments_reencryption_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"re-encryption for {self.user_id} ({self.status})"
