"""Staff pages for every careers table: the catalog is edited here, the rest is inspected, and
stories get the pipeline's two staff actions (spec careers.md §5, §8)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from modules.careers.models import (
    CareerProfile,
    DreamJob,
    ErrorLog,
    Media,
    PeerFeedback,
    Profession,
    Prospect,
    Question,
    Review,
    ReviewAssignment,
    ReviewRating,
    ReviewStory,
    Role,
    StoryGrant,
    SweetSpot,
    SweetSpotOption,
    TranscriptionJob,
    TypeAttribute,
)
from modules.careers.services import transcription

STAMPS = ["create_date", "update_date"]
VISIT = ["ip", "user_agent"]
SLOT_FIELDS = [f"{group}{n}" for group in ("value", "strength", "impact") for n in range(1, 6)]


@admin.register(CareerProfile)
class CareerProfileAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "name", "xref", "firebase_uid", "create_date"]
    search_fields = ["user__email", "name", "xref", "firebase_uid"]
    readonly_fields = ["xref", "firebase_name_claim", *STAMPS]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["id", "question", "sort_order", "status"]
    list_filter = ["status"]
    list_editable = ["sort_order", "status"]
    search_fields = ["question"]
    readonly_fields = STAMPS


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["id", "title"]
    search_fields = ["title"]
    readonly_fields = STAMPS


@admin.register(TypeAttribute)
class TypeAttributeAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "description"]
    search_fields = ["title", "description"]
    readonly_fields = STAMPS


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "profession"]
    list_filter = ["profession", "attributes"]
    search_fields = ["title", "profession__title"]
    filter_horizontal = ["attributes"]
    readonly_fields = STAMPS
    list_select_related = ["profession"]


@admin.register(SweetSpotOption)
class SweetSpotOptionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "title", "sort_order", "status"]
    list_filter = ["kind", "status", "sort_order"]
    list_editable = ["sort_order", "status"]
    search_fields = ["title"]
    readonly_fields = STAMPS


class TranscriptionJobInline(admin.StackedInline):
    model = TranscriptionJob
    extra = 0
    can_delete = False
    readonly_fields = [
        "engine",
        "status",
        "attempts",
        "next_attempt_at",
        "last_enqueued_at",
        "claimed_at",
        "claimed_by",
        "heartbeat_at",
        "remote_name",
        "remote_status",
        "last_error",
    ]
    exclude = ["result"]


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "question", "title", "status", "audio_format", "create_date"]
    list_filter = ["status", "job__engine", "audio_format"]
    search_fields = ["user__email", "title", "transcript"]
    readonly_fields = ["size_bytes", "duration_s", "representational_system", *STAMPS]
    raw_id_fields = ["user", "question"]
    list_select_related = ["user", "question"]
    inlines = [TranscriptionJobInline]
    actions = ["rerun_transcription", "paste_transcript"]

    @admin.action(description="Re-run transcription")
    def rerun_transcription(self, request: HttpRequest, queryset: QuerySet[Media]) -> None:
        """A fresh set of attempts with the configured engine; deleted stories stay deleted."""
        if transcription.configured_backend() == "off":
            self.message_user(
                request,
                "TRANSCRIBE_BACKEND is off: paste the transcript instead.",
                messages.ERROR,
            )
            return
        count = transcription.rerun(media_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        text = f"{count} stor{'y' if count == 1 else 'ies'} queued for transcription."
        if skipped:
            text += f" {skipped} deleted left alone."
        self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)

    @admin.action(description="Paste transcript")
    def paste_transcript(
        self, request: HttpRequest, queryset: QuerySet[Media]
    ) -> HttpResponse | None:
        """An intermediate page for one story's transcript, then the pipeline's finish step."""
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one story to paste its transcript.", messages.ERROR
            )
            return None
        story = queryset.get()
        if story.status == Media.Status.DELETED:
            self.message_user(request, "A deleted story cannot be transcribed.", messages.ERROR)
            return None
        form = PasteTranscriptForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            if transcription.transcript_paste(media=story, text=form.cleaned_data["transcript"]):
                self.message_user(request, f"Transcript saved for {story}.", messages.SUCCESS)
            else:
                self.message_user(request, "The story was deleted meanwhile.", messages.ERROR)
            return None
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Paste transcript",
            "opts": self.model._meta,
            "story": story,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "careers/admin/paste_transcript.html", context)


class PasteTranscriptForm(forms.Form):
    transcript = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        strip=True,
        required=False,
        help_text="Leave empty for a silent story.",
    )


@admin.register(TranscriptionJob)
class TranscriptionJobAdmin(admin.ModelAdmin):
    list_display = ["id", "media", "engine", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "engine"]
    search_fields = ["media__user__email", "remote_name", "last_error"]
    readonly_fields = [*TranscriptionJobInline.readonly_fields, "result", *STAMPS]
    raw_id_fields = ["media"]
    list_select_related = ["media"]


@admin.register(DreamJob)
class DreamJobAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "role1", "profession1", "company_size", "create_date"]
    search_fields = ["user__email", "role1", "profession1"]
    readonly_fields = [*VISIT, *STAMPS]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(SweetSpot)
class SweetSpotAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "value1", "strength1", "impact1", "create_date"]
    search_fields = ["user__email"]
    readonly_fields = [*VISIT, *STAMPS]
    raw_id_fields = ["user", *SLOT_FIELDS]
    list_select_related = ["user", "value1", "strength1", "impact1"]


@admin.register(PeerFeedback)
class PeerFeedbackAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "value1", "strength1", "impact1", "create_date"]
    search_fields = ["subject__email"]
    readonly_fields = [*VISIT, *STAMPS]
    raw_id_fields = [
        "subject",
        *SLOT_FIELDS,
        "valueconfidence",
        "strengthconfidence",
        "impactconfidence",
    ]
    list_select_related = ["subject", "value1", "strength1", "impact1"]


@admin.register(Prospect)
class ProspectAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "email", "create_date"]
    search_fields = ["name", "email"]
    readonly_fields = STAMPS


@admin.register(ErrorLog)
class ErrorLogAdmin(admin.ModelAdmin):
    list_display = ["id", "errorcode", "user", "ip", "create_date"]
    list_filter = ["errorcode"]
    search_fields = ["errorcode", "errormessage", "user__email"]
    readonly_fields = [*VISIT, *STAMPS]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(StoryGrant)
class StoryGrantAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "is_granted", "create_date"]
    list_filter = ["is_granted"]
    search_fields = ["user__email"]
    readonly_fields = [*VISIT, *STAMPS]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


class ReviewStoryInline(admin.TabularInline):
    model = ReviewStory
    extra = 0
    raw_id_fields = ["media"]


class ReviewAssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    raw_id_fields = ["reviewer"]
    fields = ["reviewer", "status", "feedback", "create_date"]
    readonly_fields = ["create_date"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "status", "create_date", "update_date"]
    list_filter = ["status"]
    search_fields = ["owner__email"]
    readonly_fields = STAMPS
    raw_id_fields = ["owner"]
    list_select_related = ["owner"]
    inlines = [ReviewStoryInline, ReviewAssignmentInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["id", "review", "reviewer", "status", "create_date"]
    list_filter = ["status"]
    search_fields = ["reviewer__email", "review__owner__email", "feedback"]
    readonly_fields = STAMPS
    raw_id_fields = ["review", "reviewer"]
    list_select_related = ["review", "reviewer"]


@admin.register(ReviewRating)
class ReviewRatingAdmin(admin.ModelAdmin):
    list_display = ["id", "assignment", "value1", "strength1", "impact1", "create_date"]
    search_fields = ["assignment__reviewer__email", "feedback"]
    readonly_fields = STAMPS
    raw_id_fields = [
        "assignment",
        *SLOT_FIELDS,
        "valueconfidence",
        "strengthconfidence",
        "impactconfidence",
    ]
    list_select_related = ["assignment", "value1", "strength1", "impact1"]


@admin.register(ReviewStory)
class ReviewStoryAdmin(admin.ModelAdmin):
    list_display = ["id", "review", "media", "create_date"]
    readonly_fields = STAMPS
    raw_id_fields = ["review", "media"]
    list_select_related = ["review", "media"]
