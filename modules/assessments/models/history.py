"""Every version of every applet, whole: five immutable tables keyed ``"<uuid>_<version>"``.

An update writes a full snapshot (spec §10), so any recorded version can be read back, compared
and answered against after the live rows have moved on or the applet was deleted. Rows are never
updated (``save`` refuses) and one history row cannot be deleted while another names it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from modules.assessments.models.applets import (
    ActivityFields,
    AppletFields,
    FlowFields,
    ItemFields,
)


def id_version(object_id: Any, version: str) -> str:
    return f"{object_id}_{version}"


class Immutable(models.Model):
    id_version = models.CharField(max_length=80, primary_key=True)
    id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are immutable history")
        super().save(*args, **kwargs)


class AppletHistory(Immutable, AppletFields):
    version = models.CharField(max_length=32)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments_applet_versions",
        help_text="Who made this version.",
    )
    applet_created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "applet histories"
        indexes = [models.Index(fields=["id", "created_at"])]

    def __str__(self) -> str:
        return self.id_version


class ActivityHistory(Immutable, ActivityFields):
    applet = models.ForeignKey(AppletHistory, on_delete=models.PROTECT, related_name="activities")

    class Meta:
        ordering = ["applet", "order"]
        verbose_name_plural = "activity histories"

    def __str__(self) -> str:
        return self.id_version


class ActivityItemHistory(Immutable, ItemFields):
    activity = models.ForeignKey(ActivityHistory, on_delete=models.PROTECT, related_name="items")

    class Meta:
        ordering = ["activity", "order"]
        verbose_name_plural = "activity item histories"

    def __str__(self) -> str:
        return self.id_version


class FlowHistory(Immutable, FlowFields):
    applet = models.ForeignKey(AppletHistory, on_delete=models.PROTECT, related_name="flows")

    class Meta:
        ordering = ["applet", "order"]
        verbose_name_plural = "flow histories"

    def __str__(self) -> str:
        return self.id_version


class FlowItemHistory(Immutable):
    activity_flow = models.ForeignKey(FlowHistory, on_delete=models.PROTECT, related_name="items")
    activity = models.ForeignKey(ActivityHistory, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["activity_flow", "order"]
        verbose_name_plural = "flow item histories"

    def __str__(self) -> str:
        return self.id_version
