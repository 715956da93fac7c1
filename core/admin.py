from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.db.models import QuerySet
from django.http import HttpRequest

from core.mail.services import email_retry
from core.models import OutboxAttachment, OutboxEmail, TokenBlacklist, User


class OptionalUsernameField(UsernameField):
    """The username is optional and unique: a blank one is stored as NULL, so many users can
    go without one (Django's field assumes a string and fails on the empty value)."""

    def to_python(self, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return super().to_python(value)


class UserAddForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("email", "username")
        field_classes = {"username": OptionalUsernameField}


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        field_classes = {"username": OptionalUsernameField}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    ordering = ["email"]
    list_display = [
        "email",
        "username",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "last_seen_at",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "username", "first_name", "last_name"]
    readonly_fields = ["public_id", "last_login", "last_seen_at", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "username", "password", "public_id")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Activity", {"fields": ("last_login", "last_seen_at", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "username", "password1", "password2")}),
    )


class AttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = ["filename", "mimetype"]
    extra = 0
    can_delete = False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]
    actions = ["retry"]
    readonly_fields = [
        "to", "subject", "text", "html", "from_email", "status", "attempts", "max_retries",
        "retry_delay", "next_attempt_at", "last_enqueued_at", "claimed_at", "claimed_by",
        "heartbeat_at", "last_error", "sent_at", "created_at", "updated_at",
    ]  # fmt: skip

    @admin.display(description="To")
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join(email.to)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry the selected failed emails")
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = email_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)


@admin.register(TokenBlacklist)
class TokenBlacklistAdmin(admin.ModelAdmin):
    """Read-only: rows are written by logouts and removed by the daily purge."""

    list_display = ["jti", "token_type", "user", "expires_at", "created_at"]
    list_filter = ["token_type"]
    search_fields = ["jti", "rjti", "user__email"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
