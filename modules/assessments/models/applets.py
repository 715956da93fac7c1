"""Workspaces, applets and what an applet is made of: activities, items, flows, flow items.

Live rows hold the current version only; every version is also in the history tables
(``history.py``). JSON parts (``config``, ``response_values``, ...) are kept as the client sent
them once the item rules of spec §8 have filled their defaults.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from modules.assessments.models.base import LIVE, Row, SoftRow


class Workspace(Row):
    """Named by its owner: ``{o}`` in the paths is the owner's public id."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_workspace"
    )
    name = models.TextField()
    is_modified = models.BooleanField(
        default=False, help_text="Renamed on purpose: it no longer follows the owner's name."
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class AppletFields(models.Model):
    """The applet's own fields, shared by the live row and its history snapshots."""

    display_name = models.TextField()
    description = models.JSONField(default=dict, blank=True)
    about = models.JSONField(default=dict, blank=True)
    image = models.TextField(blank=True, default="")
    watermark = models.TextField(blank=True, default="")
    theme_id = models.UUIDField(null=True, blank=True)
    encryption = models.JSONField(null=True, blank=True)
    report_server_ip = models.TextField(blank=True, default="")
    report_public_key = models.TextField(blank=True, default="")
    report_recipients = models.JSONField(default=list, blank=True)
    report_include_user_id = models.BooleanField(default=False)
    report_include_case_id = models.BooleanField(default=False)
    report_email_body = models.TextField(blank=True, default="")

    class Meta:
        abstract = True


# What an applet body sets and a version compares; the encryption is set once, by its own rules.
APPLET_BODY_FIELDS = tuple(
    field.name for field in AppletFields._meta.fields if field.name != "encryption"
)


class Applet(SoftRow, AppletFields):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_applets"
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_created_applets",
    )
    version = models.CharField(max_length=32)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # ASCII folding here (SQLite's LOWER); the service also compares with full Unicode
            # folding before writing, so this only has to stop a race.
            models.UniqueConstraint(
                Lower("display_name"),
                "owner",
                condition=LIVE,
                name="assessments_applet_name_unique_per_workspace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.version})"


class ActivityFields(models.Model):
    name = models.TextField()
    description = models.JSONField(default=dict, blank=True)
    splash_screen = models.TextField(blank=True, default="")
    image = models.TextField(blank=True, default="")
    show_all_at_once = models.BooleanField(default=False)
    is_skippable = models.BooleanField(default=False)
    is_reviewable = models.BooleanField(default=False)
    response_is_editable = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    order = models.PositiveIntegerField()
    scores_and_reports = models.JSONField(null=True, blank=True)
    subscale_setting = models.JSONField(null=True, blank=True)
    performance_task_type = models.TextField(null=True, blank=True)
    is_performance_task = models.BooleanField(default=False)
    report_included_item_name = models.TextField(null=True, blank=True)
    auto_assign = models.BooleanField(default=True)

    class Meta:
        abstract = True


class Activity(Row, ActivityFields):
    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="activities")

    class Meta:
        ordering = ["applet", "order"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class ItemFields(models.Model):
    name = models.TextField()
    question = models.JSONField(default=dict, blank=True)
    response_type = models.CharField(max_length=32)
    response_values = models.JSONField(null=True, blank=True)
    config = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField()
    is_hidden = models.BooleanField(default=False)
    conditional_logic = models.JSONField(null=True, blank=True)
    allow_edit = models.BooleanField(default=False)

    class Meta:
        abstract = True


class ActivityItem(Row, ItemFields):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="items")

    class Meta:
        ordering = ["activity", "order"]

    def __str__(self) -> str:
        return self.name


class FlowFields(models.Model):
    name = models.TextField()
    description = models.JSONField(default=dict, blank=True)
    is_single_report = models.BooleanField(default=False)
    hide_badge = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    order = models.PositiveIntegerField()
    report_included_activity_name = models.TextField(null=True, blank=True)
    report_included_item_name = models.TextField(null=True, blank=True)
    auto_assign = models.BooleanField(default=True)

    class Meta:
        abstract = True


class ActivityFlow(Row, FlowFields):
    applet = models.ForeignKey(Applet, on_delete=models.CASCADE, related_name="flows")

    class Meta:
        ordering = ["applet", "order"]

    def __str__(self) -> str:
        return self.name


class ActivityFlowItem(Row):
    activity_flow = models.ForeignKey(ActivityFlow, on_delete=models.CASCADE, related_name="items")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="flow_items")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["activity_flow", "order"]

    def __str__(self) -> str:
        return f"{self.activity_flow_id} #{self.order}"
