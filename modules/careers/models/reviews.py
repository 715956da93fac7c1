"""Crowdsourced reviews (filled by part 2): an owner lets others read some transcribed stories
anonymously; each reviewer rejects the assignment or closes it with a rating."""

from django.conf import settings
from django.db import models

from modules.careers.models.base import Stamped, Visit
from modules.careers.models.media import Media
from modules.careers.models.polls import RatingBlock


class StoryGrant(Stamped, Visit):
    """Append-only: the newest row is the owner's current answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_story_grants"
    )
    is_granted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "story grant"
        indexes = [models.Index(fields=["user", "-create_date", "-id"])]

    def __str__(self) -> str:
        return f"{'granted' if self.is_granted else 'revoked'} by user {self.user_id}"


class ReviewStatus(models.IntegerChoices):
    OPEN = 5, "Open"
    COMPLETED = 10, "Completed"
    DELETED = 99, "Deleted"


class Review(Stamped):
    Status = ReviewStatus

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_reviews"
    )
    status = models.SmallIntegerField(choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    stories: "models.ManyToManyField[Media, ReviewStory]" = models.ManyToManyField(
        Media, through="ReviewStory", related_name="reviews"
    )

    class Meta:
        ordering = ["-create_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(status=ReviewStatus.OPEN),
                name="careers_review_one_open_per_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values),
                name="careers_review_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk}"


class ReviewStory(Stamped):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="review_stories")
    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="review_stories")

    class Meta:
        ordering = ["id"]
        verbose_name = "review story"
        verbose_name_plural = "review stories"
        constraints = [
            models.UniqueConstraint(fields=["review", "media"], name="careers_review_story_once"),
        ]

    def __str__(self) -> str:
        return f"story {self.media_id} in review {self.review_id}"


class AssignmentStatus(models.IntegerChoices):
    OPEN = 5, "Open"
    COMPLETED = 10, "Completed"
    REJECTED = 15, "Rejected"
    DELETED = 99, "Deleted"


class ReviewAssignment(Stamped):
    Status = AssignmentStatus

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="careers_review_assignments",
    )
    status = models.SmallIntegerField(
        choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    feedback = models.TextField("rejection reason", max_length=5000, blank=True)

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "review assignment"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer"], name="careers_assignment_once_per_reviewer"
            ),
            models.UniqueConstraint(
                fields=["reviewer"],
                condition=models.Q(status=AssignmentStatus.OPEN),
                name="careers_assignment_one_open_per_reviewer",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssignmentStatus.values),
                name="careers_assignment_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk} of review {self.review_id}"


class ReviewRating(Stamped, RatingBlock):
    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="rating"
    )
    feedback = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "review rating"

    def __str__(self) -> str:
        return f"rating of assignment {self.assignment_id}"
