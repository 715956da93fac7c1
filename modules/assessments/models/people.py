"""Who may do what in an applet (accesses), the people it is about (subjects), invitations,
devices and password recovery keys."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from modules.assessments.models.applets import Applet
from modules.assessments.models.base import LIVE, Row, SoftRow
from modules.assessments.pii import EncryptedTextField, email_hash
from modules.assessments.roles import Role


class UserAppletAccess(SoftRow):
    """One role of one user in one applet. ``meta`` holds a respondent's ``{subjectId,
    secretUserId}`` or a reviewer's ``{subjects}``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_accesses"
    )
    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="accesses")
    role = models.CharField(max_length=16, choices=Role.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meta = models.JSONField(default=dict, blank=True)
    nickname = models.TextField(blank=True, default="")
    title = models.TextField(blank=True, default="")
    is_pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "user applet access"
        constraints = [
            models.UniqueConstraint(
                "user", "applet", "role", condition=LIVE, name="assessments_access_unique_live"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="assessments_access_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["applet", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.applet_id}"


class Subject(SoftRow):
    """A person an applet is about; ``user`` null is a limited account (no login). Email, names
    and nickname are sealed at rest (pii.py); find one by ``email_hash``."""

    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="subjects")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_subjects",
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = EncryptedTextField(blank=True, default="")
    email_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    first_name = EncryptedTextField(blank=True, default="")
    last_name = EncryptedTextField(blank=True, default="")
    nickname = EncryptedTextField(blank=True, default="")
    secret_user_id = models.TextField()
    language = models.CharField(max_length=16, blank=True, default="en")
    tag = models.TextField(blank=True, null=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                "applet", "secret_user_id", condition=LIVE, name="assessments_subject_secret_unique"
            ),
            models.UniqueConstraint(
                "applet", "user", condition=LIVE, name="assessments_subject_user_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.secret_user_id} in {self.applet_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The hash follows the email on every save (queryset updates must set both)."""
        self.email_hash = email_hash(self.email) if self.email else ""
        _with_hash(kwargs)
        super().save(*args, **kwargs)


class Invitation(Row):
    """An offer of a role in an applet, sent to an email; its personal data is sealed at rest
    like a subject's, and one per (applet, email hash) may be pending."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="invitations")
    email = EncryptedTextField()
    email_hash = models.CharField(max_length=64, db_index=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    first_name = EncryptedTextField(blank=True, default="")
    last_name = EncryptedTextField(blank=True, default="")
    nickname = EncryptedTextField(blank=True, default="")
    secret_user_id = models.TextField(blank=True, default="")
    tag = models.TextField(blank=True, null=True)
    title = models.TextField(blank=True, null=True)
    language = models.CharField(max_length=16, blank=True, default="en")
    meta = models.JSONField(default=dict, blank=True)
    invitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_invitations",
        help_text="The invited account, when the email had one.",
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "applet",
                "email_hash",
                condition=models.Q(status="pending"),
                name="assessments_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "declined"]),
                name="assessments_invitation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} invitation to {self.applet_id} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_hash = email_hash(self.email)
        _with_hash(kwargs)
        super().save(*args, **kwargs)


def _with_hash(kwargs: dict[str, Any]) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and "email" in fields:
        kwargs["update_fields"] = {*fields, "email_hash"}


class UserDevice(Row):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_devices"
    )
    device_id = models.TextField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("user", "device_id", name="assessments_device_unique"),
        ]

    def __str__(self) -> str:
        return self.device_id


class PasswordRecovery(Row):
    """A single-use recovery key; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_recoveries"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "password recoveries"

    def __str__(self) -> str:
        return f"recovery for {self.user_id}"
