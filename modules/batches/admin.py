from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from modules.batches.models import (
    ApiKey,
    BatchAnswer,
    BatchJob,
    BatchJobDocument,
    BatchProfile,
    Document,
    DocumentChunk,
)
from modules.batches.services.documents import documents_remove
from modules.batches.services.jobs import batch_jobs_cancel, batch_jobs_requeue
from modules.batches.services.keys import api_key_create, api_key_revoke

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "organization",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["organization", "revoked_at"]
    search_fields = ["prefix", "name", "organization__name"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> "_FieldGroups":
        if obj is None:
            return ["organization", "name"]
        return [
            "organization",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return ["organization", "prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created, key = api_key_create(organization=obj.organization, name=obj.name)
        obj.pk = created.pk
        obj.prefix, obj.key_hash, obj.expires_at = (
            created.prefix,
            created.key_hash,
            created.expires_at,
        )
        self.message_user(request, f"API key (shown once, copy it now): {key}", messages.WARNING)

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = api_key_revoke(key_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} key(s) revoked.", messages.SUCCESS)


@admin.register(BatchProfile)
class BatchProfileAdmin(admin.ModelAdmin):
    list_display = ["cuid", "user"]
    search_fields = ["cuid", "user__email"]
    raw_id_fields = ["user"]


class ChunkInline(admin.TabularInline):
    model = DocumentChunk
    fields = readonly_fields = ("position", "token_count", "text")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "ic01",
        "organization",
        "customer_name",
        "document_date",
        "chunk_count",
        "token_count",
        "created_at",
    ]
    list_filter = ["organization", "content_type", "status", "contract_type"]
    search_fields = ["file_name", "ic01", "customer_name", "contract_number", "sha256"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "file",
        "file_name",
        "content_type",
        "size",
        "sha256",
        "chunk_count",
        "token_count",
        "index_seconds",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    inlines = [ChunkInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        documents_remove(documents=Document.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        documents_remove(documents=queryset)


class JobDocumentInline(admin.TabularInline):
    model = BatchJobDocument
    fields = readonly_fields = ("position", "document", "done_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BatchJob)
class BatchJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "cuid",
        "status",
        "engine",
        "documents_done",
        "documents_total",
        "attempts",
        "created_at",
        "ended_at",
    ]
    list_filter = ["status", "engine", "cancel_requested"]
    search_fields = ["id", "cuid", "user__email"]
    date_hierarchy = "created_at"
    actions = ["requeue", "cancel"]
    inlines = [JobDocumentInline]
    readonly_fields = [
        "id", "user", "submitted_by", "cuid", "zone", "scope", "prompts", "fields", "engine",
        "status", "cancel_requested", "attempts", "next_attempt_at", "last_enqueued_at",
        "claimed_at", "claimed_by", "heartbeat_at", "created_at", "started_at", "ended_at",
        "error", "documents_total", "documents_done", "prompt_tokens", "completion_tokens",
        "document_tokens", "result_file",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Requeue the selected failed or canceled jobs")
    def requeue(self, request: HttpRequest, queryset: QuerySet[BatchJob]) -> None:
        count = batch_jobs_requeue(job_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} job(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel the selected jobs")
    def cancel(self, request: HttpRequest, queryset: QuerySet[BatchJob]) -> None:
        count = batch_jobs_cancel(job_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} job(s) canceled or asked to stop.", messages.SUCCESS)


@admin.register(BatchAnswer)
class BatchAnswerAdmin(admin.ModelAdmin):
    list_display = [
        "job",
        "document",
        "prompt_name",
        "short_answer",
        "prompt_tokens",
        "completion_tokens",
        "seconds",
    ]
    list_filter = ["prompt_name"]
    search_fields = ["job__id", "prompt_name", "answer"]
    readonly_fields = [
        "job",
        "document",
        "prompt_name",
        "answer",
        "error",
        "prompt_tokens",
        "completion_tokens",
        "seconds",
        "created_at",
    ]

    @admin.display(description="Answer")
    def short_answer(self, answer: BatchAnswer) -> str:
        return answer.answer[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
