"""Staff pages for every assessments table. History is read-only: a version, once recorded,
is what answers were given against."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from modules.assessments.models import (
    Activity,
    ActivityFlow,
    ActivityFlowItem,
    ActivityHistory,
    ActivityItem,
    ActivityItemHistory,
    Answer,
    AnswerAlert,
    AnswerItem,
    Applet,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    Invitation,
    PasswordRecovery,
    ReencryptionJob,
    Subject,
    UserAppletAccess,
    UserDevice,
    Workspace,
)
from modules.assessments.pii import email_hash


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed: no add, edit or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_modified", "created_at"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner"]
    list_select_related = ["owner"]


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ("order", "name", "is_reviewable", "is_hidden", "is_performance_task")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Applet)
class AppletAdmin(admin.ModelAdmin):
    list_display = ["display_name", "version", "owner", "is_deleted", "created_at", "updated_at"]
    list_filter = ["is_deleted"]
    search_fields = ["display_name", "owner__email"]
    raw_id_fields = ["owner", "creator"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_select_related = ["owner"]
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "applet", "order", "is_reviewable", "is_hidden"]
    search_fields = ["name", "applet__display_name"]
    raw_id_fields = ["applet"]
    list_select_related = ["applet"]


@admin.register(ActivityItem)
class ActivityItemAdmin(admin.ModelAdmin):
    list_display = ["name", "response_type", "activity", "order"]
    list_filter = ["response_type"]
    search_fields = ["name", "activity__name"]
    raw_id_fields = ["activity"]
    list_select_related = ["activity"]


@admin.register(ActivityFlow)
class ActivityFlowAdmin(admin.ModelAdmin):
    list_display = ["name", "applet", "order", "is_hidden"]
    search_fields = ["name", "applet__display_name"]
    raw_id_fields = ["applet"]


@admin.register(ActivityFlowItem)
class ActivityFlowItemAdmin(admin.ModelAdmin):
    list_display = ["activity_flow", "activity", "order"]
    raw_id_fields = ["activity_flow", "activity"]


@admin.register(AppletHistory)
class AppletHistoryAdmin(ReadOnlyAdmin):
    list_display = ["id_version", "display_name", "version", "user", "created_at"]
    search_fields = ["id_version", "display_name"]
    list_select_related = ["user"]


@admin.register(ActivityHistory)
class ActivityHistoryAdmin(ReadOnlyAdmin):
    list_display = ["id_version", "name", "applet", "order"]
    search_fields = ["id_version", "name"]


@admin.register(ActivityItemHistory)
class ActivityItemHistoryAdmin(ReadOnlyAdmin):
    list_display = ["id_version", "name", "response_type", "activity", "order"]
    search_fields = ["id_version", "name"]


@admin.register(FlowHistory)
class FlowHistoryAdmin(ReadOnlyAdmin):
    list_display = ["id_version", "name", "applet", "order"]
    search_fields = ["id_version", "name"]


@admin.register(FlowItemHistory)
class FlowItemHistoryAdmin(ReadOnlyAdmin):
    list_display = ["id_version", "activity_flow", "activity", "order"]
    search_fields = ["id_version"]


@admin.register(UserAppletAccess)
class UserAppletAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "applet", "is_deleted", "created_at"]
    list_filter = ["role", "is_deleted"]
    search_fields = ["user__email", "applet__display_name"]
    raw_id_fields = ["user", "applet", "owner", "invitor"]
    list_select_related = ["user", "applet"]


# Sealed at rest (pii.py): shown opened, read-only; found by the exact email through its hash.
PERSONAL = ["email", "first_name", "last_name", "nickname"]


class SealedSearchAdmin(admin.ModelAdmin):
    """The sealed columns cannot be searched in SQL: a term with an ``@`` also finds the rows
    whose email is exactly it (any case), through ``email_hash``."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if "@" in term:
            found = found | queryset.filter(email_hash=email_hash(term))
        return found, duplicates


@admin.register(Subject)
class SubjectAdmin(SealedSearchAdmin):
    list_display = [
        "secret_user_id",
        "nickname",
        "first_name",
        "last_name",
        "email",
        "tag",
        "applet",
        "user",
        "is_deleted",
    ]
    list_filter = ["is_deleted", "tag"]
    search_fields = ["secret_user_id", "applet__display_name", "user__email"]
    raw_id_fields = ["applet", "user", "creator"]
    readonly_fields = [*PERSONAL, "email_hash"]


@admin.register(Invitation)
class InvitationAdmin(SealedSearchAdmin):
    list_display = ["email", "first_name", "last_name", "applet", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["applet__display_name", "key"]
    raw_id_fields = ["applet", "invitor", "user", "subject"]
    readonly_fields = ["key", *PERSONAL, "email_hash", "accepted_at"]


@admin.register(UserDevice)
class UserDeviceAdmin(admin.ModelAdmin):
    list_display = ["device_id", "user", "created_at"]
    search_fields = ["device_id", "user__email"]
    raw_id_fields = ["user"]


@admin.register(PasswordRecovery)
class PasswordRecoveryAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    search_fields = ["user__email"]
    exclude = ["key_hash"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    """Answers are what respondents submitted: shown, never changed."""

    list_display = ["id", "applet", "version", "respondent", "relation", "created_at"]
    list_filter = ["relation", "created_at"]
    search_fields = ["id", "submit_id", "applet__display_name", "respondent__email"]
    list_select_related = ["applet", "respondent"]


@admin.register(AnswerItem)
class AnswerItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "answer_row", "respondent", "start_datetime", "end_datetime"]
    search_fields = ["id", "answer_row__id", "respondent__email"]
    list_select_related = ["respondent"]


@admin.register(AnswerAlert)
class AnswerAlertAdmin(ReadOnlyAdmin):
    list_display = ["message", "applet", "respondent", "created_at"]
    search_fields = ["message", "applet__display_name"]
    list_select_related = ["applet", "respondent"]


@admin.register(ReencryptionJob)
class ReencryptionJobAdmin(admin.ModelAdmin):
    """Progress of re-encryptions; failed ones can be queued again from their cursor. The
    secret is never shown."""

    list_display = [
        "id",
        "user",
        "status",
        "attempts",
        "processed",
        "skipped",
        "next_attempt_at",
        "heartbeat_at",
        "created_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["id", "user__email"]
    list_select_related = ["user"]
    exclude = ["secret"]
    readonly_fields = [
        "user", "status", "attempts", "next_attempt_at", "last_enqueued_at", "claimed_at",
        "claimed_by", "heartbeat_at", "cursor", "processed", "skipped", "last_error",
        "finished_at", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed re-encryptions")
    def retry(self, request: HttpRequest, queryset: QuerySet[ReencryptionJob]) -> None:
        from modules.assessments.services.reencryption import reencryption_retry

        chosen = list(queryset.values_list("pk", flat=True))
        moved = sum(reencryption_retry(job_id=pk) for pk in chosen)
        self.message_user(request, f"{moved} re-encryption(s) queued again.", messages.SUCCESS)
        if moved < len(chosen):
            self.message_user(
                request,
                f"{len(chosen) - moved} not queued: only failed jobs that still hold their "
                "password hashes can run again.",
                messages.WARNING,
            )
