"""Tasks shared between a creator and a performer, their comments, and uploaded images."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Task(models.Model):
    """A unit of work one user gives another; the performer may hand it on (delegate)."""

    class Status(models.TextChoices):
        NEW = "n", "New"
        IN_WORK = "w", "In work"
        COMPLETED = "c", "Completed"

    name = models.CharField(max_length=200, unique=True)
    specification = models.TextField()
    due_date = models.DateField(null=True, blank=True, db_index=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_tasks",
    )
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="performed_tasks",
    )
    status = models.CharField(max_length=1, choices=Status.choices, default=Status.NEW)
    delegated = models.BooleanField(default=False, editable=False)
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="delegated_tasks",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The list's order with both parties: a page and the count are read from the index
            # alone, stopping at the page, instead of sorting every visible task.
            models.Index(
                fields=["-due_date", "-id", "creator", "performer"], name="taskboard_task_list"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["n", "w", "c"]), name="taskboard_task_status_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="taskboard_task_name_not_blank"),
            models.CheckConstraint(
                condition=~Q(specification=""), name="taskboard_task_specification_not_blank"
            ),
            # Only a delegated task names a delegator; the flag outlives a deleted delegator.
            models.CheckConstraint(
                condition=Q(delegated=True) | Q(delegated_by__isnull=True),
                name="taskboard_task_delegator_only_when_delegated",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A remark on a task; ``post_date`` is fixed when the comment is written."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_comments")
    description = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="task_comments",
    )
    post_date = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-post_date", "-id"]
        indexes = [models.Index(fields=["task", "-post_date"], name="taskboard_comment_task_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="taskboard_comment_description_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} / {self.description[:40]}"


class Upload(models.Model):
    """An image a user uploaded; private, reachable only through short-lived signed links."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taskboard_uploads"
    )
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file.name
