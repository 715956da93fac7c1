"""Shared data: the one user model and the job-row base every queue uses."""

import uuid
from typing import ClassVar

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email: str | None) -> "User":
        """Log-in is by email, case-insensitively."""
        return self.get(email__iexact=email)

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One account for every module: email login, optional username for the legacy APIs."""

    email = models.EmailField("email address", max_length=254, unique=True)
    username = models.CharField(
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        validators=[UnicodeUsernameValidator()],
        help_text="Optional. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="core_user_email_ci_unique",
                violation_error_message="A user with that email already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
        if self.username == "":
            self.username = None

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class JobStatus(models.TextChoices):
    """The lifecycle of a background job row (core spec section 6)."""

    QUEUED = "queued", "Queued"
    STARTED = "started", "Started"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


class JobRow(models.Model):
    """Fields every database-backed job shares so core.jobs can claim and sweep any of them."""

    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=128, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxStatus(models.TextChoices):
    """Where an outgoing email stands; outside the class so its table's constraint can name it."""

    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxEmail(JobRow):
    """An email to send: the row is the truth, the queue message only wakes a worker."""

    Status = OutboxStatus

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    from_email = models.CharField(max_length=254)
    max_retries = models.PositiveSmallIntegerField(default=3)
    retry_delay = models.PositiveIntegerField(default=300, help_text="Seconds between attempts.")
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbox email"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values),
                name="core_outboxemail_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class OutboxAttachment(models.Model):
    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    mimetype = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.filename


class TokenBlacklist(models.Model):
    """A revoked token of either kind, refused by every API: a logout through one module counts
    everywhere. An access token's row names its paired refresh token (``rjti``), so a logout can
    end both. Rows go once the token would have expired anyway (a daily purge)."""

    class Type(models.TextChoices):
        ACCESS = "access", "Access"
        REFRESH = "refresh", "Refresh"

    jti = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="revoked_tokens"
    )
    token_type = models.CharField(max_length=16, choices=Type.choices)
    rjti = models.CharField("paired refresh jti", max_length=255, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "revoked token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(token_type__in=["access", "refresh"]),
                name="core_tokenblacklist_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token_type} {self.jti}"
