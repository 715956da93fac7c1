"""Stories: spoken answers to questions, and the transcription job of each (filled by part 2)."""

from django.conf import settings
from django.db import models

from core.models import JobRow
from modules.careers.models.base import Stamped
from modules.careers.models.catalog import Question


class MediaStatus(models.IntegerChoices):
    """The README's codes (spec §3); 6 is unused, as it was."""

    INACTIVE = 0, "Inactive (staff only)"
    ACTIVE = 1, "Uploaded"
    SENT = 2, "Sent for transcription"
    IN_PROGRESS = 3, "Transcription in progress"
    TRANSCRIBED = 4, "Transcribed"
    FAILED = 5, "Transcription failed"
    NEEDS_CONVERTING = 7, "Needs converting"
    DELETED = 8, "Deleted"
    ERROR = 9, "Error (unreadable audio)"


class Media(Stamped):
    Status = MediaStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_media"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="media")
    title = models.CharField(max_length=75, blank=True)
    file = models.FileField(upload_to="careers/media/", max_length=255)
    converted_file = models.FileField(
        upload_to="careers/converted/", max_length=255, null=True, blank=True
    )
    audio_format = models.CharField(max_length=16, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    representational_system = models.JSONField(null=True, blank=True)
    status = models.SmallIntegerField(choices=MediaStatus.choices, default=MediaStatus.ACTIVE)

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "story"
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["user", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MediaStatus.values), name="careers_media_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"story {self.pk}"


class Engine(models.TextChoices):
    LOCAL = "local", "Local (pocketsphinx)"
    AWS = "aws", "Amazon Transcribe"
    OPENAI = "openai", "OpenAI-compatible endpoint"
    MANUAL = "manual", "Pasted by staff"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting for the remote service"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    ERROR = "error", "Error (no retry)"
    CANCELLED = "cancelled", "Cancelled"


class TranscriptionJob(JobRow, Stamped):
    """One per story. The spec's ``state`` is ``status`` and its ``enqueued_at`` is
    ``last_enqueued_at``: those are the names ``core.jobs`` claims and sweeps rows by."""

    State = JobState
    Engine = Engine

    media = models.OneToOneField(Media, on_delete=models.CASCADE, related_name="job")
    engine = models.CharField(max_length=16, choices=Engine.choices, default=Engine.LOCAL)
    status = models.CharField(
        "state", max_length=16, choices=JobState.choices, default=JobState.QUEUED, db_index=True
    )
    remote_name = models.CharField(max_length=64, blank=True)
    remote_status = models.CharField(max_length=32, blank=True)
    result = models.JSONField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # ``create_date`` / ``update_date`` (Stamped) replace JobRow's own pair.
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "transcription job"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobState.values), name="careers_job_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(engine__in=Engine.values), name="careers_job_engine_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"transcription of story {self.media_id} ({self.status})"

    @property
    def state(self) -> str:
        return self.status
