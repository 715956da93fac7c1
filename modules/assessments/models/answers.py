"""Answers (spec §3, #42): what a respondent's client submitted, already encrypted.

The server never sees plaintext: ``AnswerItem`` keeps the client's ciphertexts byte for byte and
the public key they were made with, so the team (who holds the applet's private key) can read
them and a password change can re-key them (§9). An ``Answer`` names the recorded versions it
was given against (history rows), never the live applet's parts, which move on.
"""

from django.conf import settings
from django.db import models

from modules.assessments.models.applets import Applet
from modules.assessments.models.base import Row
from modules.assessments.models.history import ActivityHistory, AppletHistory, FlowHistory
from modules.assessments.models.people import Subject


class Relation(models.TextChoices):
    SELF = "self", "Self"
    ADMIN = "admin", "Admin"
    OTHER = "other", "Other"


class Answer(Row):
    """One submitted activity. ``created_at`` is the client's time when it sent one."""

    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="answers")
    version = models.CharField(max_length=32)
    submit_id = models.UUIDField(db_index=True)
    applet_history = models.ForeignKey(AppletHistory, on_delete=models.PROTECT, related_name="+")
    activity_history = models.ForeignKey(
        ActivityHistory, on_delete=models.PROTECT, related_name="+"
    )
    flow_history = models.ForeignKey(
        FlowHistory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The live ids the histories were recorded for: "{act}" spans every version of an activity.
    activity_id = models.UUIDField(db_index=True)
    flow_id = models.UUIDField(null=True, blank=True)
    is_flow_completed = models.BooleanField(null=True, blank=True)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_answers"
    )
    target_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="answers_about"
    )
    source_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="answers_from"
    )
    input_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="answers_input"
    )
    relation = models.CharField(max_length=16, choices=Relation.choices, null=True, blank=True)
    client = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["applet", "created_at", "id"]),
            models.Index(fields=["applet", "activity_id", "created_at"]),
            models.Index(fields=["applet", "target_subject", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relation__isnull=True) | models.Q(relation__in=Relation.values),
                name="assessments_answer_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} ({self.version})"


class AnswerItem(Row):
    """The encrypted part of an answer. ``answer``, ``events`` and ``identifier`` are
    ``"<iv hex>:<ciphertext hex>"`` under the key of ``user_public_key`` (§9)."""

    answer_row = models.OneToOneField(
        Answer, on_delete=models.CASCADE, related_name="item", db_column="answer_row_id"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_answer_items"
    )
    answer = models.TextField(null=True, blank=True)
    events = models.TextField(null=True, blank=True)
    item_ids = models.JSONField(default=list)
    identifier = models.TextField(null=True, blank=True)
    user_public_key = models.TextField(null=True, blank=True)
    start_datetime = models.DateTimeField()
    end_datetime = models.DateTimeField()
    scheduled_datetime = models.DateTimeField(null=True, blank=True)
    scheduled_event_id = models.TextField(null=True, blank=True)
    local_end_date = models.DateField(null=True, blank=True)
    local_end_time = models.TimeField(null=True, blank=True)
    tz_offset = models.IntegerField(null=True, blank=True, help_text="Minutes east of UTC.")
    is_assessment = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["respondent", "id"])]

    def __str__(self) -> str:
        return f"item of answer {self.answer_row_id}"


class AnswerAlert(Row):
    """An alert the client raised with the answer; kept only (no mail, no websocket)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="alerts")
    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    activity_item_id = models.UUIDField()
    message = models.TextField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:50]
