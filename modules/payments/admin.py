"""Staff pages: roles are granted here; anticipations are decided through the same service as
the API, so an admin decision is logged and emailed too."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.errors import DomainError, ValidationFailed
from core.models import User
from modules.payments.errors import DATE_BEFORE_TODAY
from modules.payments.models import Anticipation, Operator, Payment, RequestLog, Supplier
from modules.payments.selectors import anticipation_get_for_decision
from modules.payments.services import anticipation_decide


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    list_select_related = ["user"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["id", "corporate_name", "reg_number", "user"]
    search_fields = ["corporate_name", "reg_number", "user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


class PaymentForm(forms.ModelForm):
    """The API's rule for new payments holds in the admin too; existing ones may be past due."""

    class Meta:
        model = Payment
        fields = ["supplier", "due_date", "value"]

    def clean_due_date(self) -> date:
        due: date = self.cleaned_data["due_date"]
        if self.instance.pk is None and due < timezone.localdate():
            raise forms.ValidationError(DATE_BEFORE_TODAY)
        return due


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    form = PaymentForm
    list_display = ["id", "supplier", "creation_date", "due_date", "value"]
    list_filter = ["supplier", "due_date"]
    search_fields = ["supplier__corporate_name", "supplier__reg_number"]
    readonly_fields = ["creation_date"]
    raw_id_fields = ["supplier"]
    list_select_related = ["supplier"]
    date_hierarchy = "due_date"


@admin.register(Anticipation)
class AnticipationAdmin(admin.ModelAdmin):
    """Read-only but for the decision actions: a status edited by hand would skip the log and
    the supplier's email, and a date edited by hand would leave a stale value (legacy bug)."""

    list_display = [
        "id", "payment", "status", "new_due_date", "new_value", "creation_date", "update_date",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["payment__supplier__corporate_name", "payment__id"]
    readonly_fields = [
        "payment", "status", "new_due_date", "new_value", "creation_date", "update_date",
    ]  # fmt: skip
    list_select_related = ["payment__supplier"]
    actions = ["approve", "deny"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Approve the selected pending anticipations")
    def approve(self, request: HttpRequest, queryset: QuerySet[Anticipation]) -> None:
        self._decide(request, queryset, Anticipation.Status.APPROVED)

    @admin.action(description="Deny the selected pending anticipations")
    def deny(self, request: HttpRequest, queryset: QuerySet[Anticipation]) -> None:
        self._decide(request, queryset, Anticipation.Status.DENIED)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Anticipation], status: str) -> None:
        actor = request.user
        if not isinstance(actor, User):  # the admin site lets only signed-in staff this far
            raise PermissionDenied
        done = 0
        for anticipation in queryset:
            try:
                # The API's permission check: a staff member decides only as an operator.
                checked = anticipation_get_for_decision(
                    actor=actor, anticipation_id=anticipation.pk
                )
                anticipation_decide(actor=actor, anticipation=checked, status=status)
            except DomainError as exc:
                self.message_user(request, f"{anticipation}: {_reason(exc)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} anticipation(s) decided.", messages.SUCCESS)


@admin.register(RequestLog)
class RequestLogAdmin(admin.ModelAdmin):
    list_display = ["id", "anticipation", "action", "user", "created_at"]
    list_filter = ["action", "created_at"]
    search_fields = ["user__email", "anticipation__id"]
    list_select_related = ["user", "anticipation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _reason(exc: DomainError) -> str:
    """A refusal in words for a staff message: its field messages, or its message."""
    if isinstance(exc, ValidationFailed):
        return " ".join(error.message for error in exc.errors)
    return exc.message
