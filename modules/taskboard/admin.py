from django.contrib import admin
from django.http import HttpRequest

from modules.taskboard.models import Comment, Task, Upload


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ["description", "author", "post_date"]
    readonly_fields = ["post_date"]
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "creator", "performer", "status", "due_date", "delegated"]
    list_filter = ["status", "delegated"]
    search_fields = ["name", "creator__username", "performer__username"]
    list_select_related = ["creator", "performer"]
    raw_id_fields = ["creator", "performer"]
    readonly_fields = ["delegated", "delegated_by", "created_at", "updated_at"]
    date_hierarchy = "due_date"
    inlines = [CommentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["task", "author", "post_date"]
    search_fields = ["task__name", "description", "author__username"]
    list_select_related = ["task", "author"]
    raw_id_fields = ["task", "author"]
    readonly_fields = ["post_date"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Read-only: uploads are made through the API and checked there. Deleting stays possible
    (an account with uploads must be deletable); the stored file goes with the row.
    """

    list_display = ["id", "owner", "original_name", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "owner__email", "owner__username"]
    list_select_related = ["owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Upload | None = None) -> bool:
        return False
