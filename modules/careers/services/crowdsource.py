"""Crowdsourced reviews (spec careers.md §7): an owner opens a review of their transcribed
stories, other users take it one at a time and reject it or close it with a rating.

The database keeps the rules a race could break: one OPEN review per owner, one OPEN assignment
per reviewer, one assignment per (review, reviewer); the per-review cap is kept by locking the
review row while its assignments are counted.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.models import User
from modules.careers.errors import (
    NoReviews,
    NotEnoughStories,
    NotGranted,
    ReviewNotOpen,
    ReviewOpen,
)
from modules.careers.models import (
    RATING_KEYS,
    AssignmentStatus,
    Media,
    MediaStatus,
    Review,
    ReviewAssignment,
    ReviewRating,
    ReviewStatus,
    ReviewStory,
    StoryGrant,
)
from modules.careers.services.polls import slot_columns
from modules.careers.visits import Visit

NOT_STARTED = "NOT_STARTED"
NOT_REJECTED = "NOT_REJECTED"
NOT_CLOSED = "NOT_CLOSED"
TAKEN = (AssignmentStatus.OPEN, AssignmentStatus.COMPLETED)
"""Assignments that count towards a review's cap: rejected and expired ones give it back."""


def _newest_grant(user_field: str) -> Subquery:
    grants = StoryGrant.objects.filter(user_id=OuterRef(user_field)).order_by("-create_date", "-id")
    return Subquery(grants.values("is_granted")[:1])


def grant_get(*, actor: User) -> StoryGrant | None:
    """The caller's current answer: the newest grant row."""
    return StoryGrant.objects.filter(user_id=actor.pk).order_by("-create_date", "-id").first()


def grant_set(*, actor: User, is_granted: bool, visit: Visit) -> StoryGrant:
    """Append the caller's answer; a revocation withdraws the OPEN review and its OPEN
    assignments (99), so no one reads the stories from now on."""
    with transaction.atomic():
        grant = StoryGrant.objects.create(user=actor, is_granted=is_granted, **visit.fields())
        if not is_granted:
            open_reviews = Review.objects.filter(owner_id=actor.pk, status=ReviewStatus.OPEN)
            ReviewAssignment.objects.filter(
                review__in=open_reviews, status=AssignmentStatus.OPEN
            ).update(status=AssignmentStatus.DELETED, update_date=timezone.now())
            open_reviews.update(status=ReviewStatus.DELETED, update_date=timezone.now())
    return grant


# The owner


def _eligible_stories(actor: User) -> QuerySet[Media]:
    """Transcribed stories of the caller's not yet in one of their live (non-99) reviews."""
    reviewed = ReviewStory.objects.filter(media_id=OuterRef("pk")).exclude(
        review__status=ReviewStatus.DELETED
    )
    return Media.objects.filter(user_id=actor.pk, status=MediaStatus.TRANSCRIBED).exclude(
        Exists(reviewed)
    )


def story_start(*, actor: User) -> Review:
    """Open a review of every eligible story, checked in the spec's order: granted, no OPEN
    review, enough stories. Two starts at once meet the one-OPEN-per-owner index."""
    grant = grant_get(actor=actor)
    if grant is None or not grant.is_granted:
        raise NotGranted(outcome=NOT_STARTED)
    if Review.objects.filter(owner_id=actor.pk, status=ReviewStatus.OPEN).exists():
        raise ReviewOpen(outcome=NOT_STARTED)
    story_ids = list(_eligible_stories(actor).order_by("id").values_list("pk", flat=True))
    if len(story_ids) < settings.CROWDSOURCE_MIN_STORIES:
        raise NotEnoughStories(outcome=NOT_STARTED)
    try:
        with transaction.atomic():
            review = Review.objects.create(owner=actor)
            ReviewStory.objects.bulk_create(
                ReviewStory(review=review, media_id=media_id) for media_id in story_ids
            )
    except IntegrityError:
        raise ReviewOpen(outcome=NOT_STARTED) from None
    return review


def open_review(*, actor: User) -> Review:
    review = Review.objects.filter(owner_id=actor.pk, status=ReviewStatus.OPEN).first()
    if review is None:
        raise ReviewNotOpen()
    return review


def review_story_list(*, review: Review) -> QuerySet[ReviewStory]:
    """A review's stories still alive (a deleted story leaves every list)."""
    return (
        ReviewStory.objects.filter(review=review)
        .exclude(media__status=MediaStatus.DELETED)
        .select_related("media__question")
        .order_by("id")
    )


def owner_review_list(*, actor: User) -> QuerySet[Review]:
    """The caller's reviews that someone completed, newest first; none is a refusal."""
    completed = ReviewAssignment.objects.filter(
        review_id=OuterRef("pk"), status=AssignmentStatus.COMPLETED
    )
    reviews = Review.objects.filter(Exists(completed), owner_id=actor.pk)
    if not reviews.exists():
        raise NoReviews()
    return reviews.order_by("-create_date", "-id")


def review_feedback(*, reviews: list[Review]) -> dict[int, dict[str, Any]]:
    """Stories and completed ratings of each review, in two queries; reviewers stay anonymous
    and rejections are for the admin only."""
    ids = [review.pk for review in reviews]
    stories: dict[int, list[int]] = {pk: [] for pk in ids}
    rows = (
        ReviewStory.objects.filter(review_id__in=ids)
        .exclude(media__status=MediaStatus.DELETED)
        .order_by("id")
        .values_list("review_id", "media_id")
    )
    for review_id, media_id in rows:
        stories[review_id].append(media_id)
    ratings: dict[int, list[ReviewRating]] = {pk: [] for pk in ids}
    found = (
        ReviewRating.objects.filter(
            assignment__review_id__in=ids, assignment__status=AssignmentStatus.COMPLETED
        )
        .select_related("assignment")
        .order_by("create_date", "id")
    )
    for rating in found:
        ratings[rating.assignment.review_id].append(rating)
    return {pk: {"stories": stories[pk], "ratings": ratings[pk]} for pk in ids}


# The reviewer


def review_start(*, actor: User) -> ReviewAssignment:
    """Take the oldest OPEN review the caller may read: not their own, its owner still granting,
    never assigned to them, under the per-review cap. The review row is locked while its
    assignments are counted, so two reviewers starting at once cannot both pass the cap."""
    if ReviewAssignment.objects.filter(reviewer_id=actor.pk, status=AssignmentStatus.OPEN).exists():
        raise ReviewOpen(outcome=NOT_STARTED)
    cap = settings.CROWDSOURCE_REVIEWERS_PER_REVIEW
    candidates = _candidates(actor)
    try:
        with transaction.atomic():
            for review_id in candidates.values_list("pk", flat=True):
                review = (
                    Review.objects.select_for_update()
                    .filter(pk=review_id, status=ReviewStatus.OPEN)
                    .first()
                )
                if review is None:
                    continue
                taken = review.assignments.filter(status__in=TAKEN).count()
                if taken >= cap:
                    continue
                return ReviewAssignment.objects.create(review=review, reviewer=actor)
    except IntegrityError:
        # The caller's own second start at the same instant: one OPEN assignment per reviewer.
        raise ReviewOpen(outcome=NOT_STARTED) from None
    raise NoReviews(outcome=NOT_STARTED)


def _candidates(actor: User) -> QuerySet[Review]:
    mine = ReviewAssignment.objects.filter(review_id=OuterRef("pk"), reviewer_id=actor.pk)
    return (
        Review.objects.filter(status=ReviewStatus.OPEN)
        .exclude(owner_id=actor.pk)
        .annotate(granted=_newest_grant("owner_id"))
        .filter(granted=True)
        .exclude(Exists(mine))
        .order_by("create_date", "id")
    )


def open_assignment(*, actor: User, outcome: str | None = None) -> ReviewAssignment:
    assignment = (
        ReviewAssignment.objects.filter(reviewer_id=actor.pk, status=AssignmentStatus.OPEN)
        .select_related("review")
        .first()
    )
    if assignment is None:
        raise ReviewNotOpen(outcome=outcome)
    return assignment


def review_reject(*, assignment: ReviewAssignment, reason: str) -> ReviewAssignment:
    """The reviewer gives the review back (with a reason the admin reads); others may take it."""
    changed = ReviewAssignment.objects.filter(
        pk=assignment.pk, status=AssignmentStatus.OPEN
    ).update(status=AssignmentStatus.REJECTED, feedback=reason, update_date=timezone.now())
    if not changed:  # expired or withdrawn since it was read
        raise ReviewNotOpen(outcome=NOT_REJECTED)
    assignment.refresh_from_db()
    return assignment


def review_close(
    *, assignment: ReviewAssignment, rating: dict[str, Any], feedback: str
) -> ReviewRating:
    """Store the rating and complete the assignment; the review completes once it has as many
    completed assignments as ``CROWDSOURCE_REVIEWERS_PER_REVIEW`` (counted under its lock)."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=assignment.review_id)
        now = timezone.now()
        changed = ReviewAssignment.objects.filter(
            pk=assignment.pk, status=AssignmentStatus.OPEN
        ).update(status=AssignmentStatus.COMPLETED, update_date=now)
        if not changed:
            raise ReviewNotOpen(outcome=NOT_CLOSED)
        saved = ReviewRating.objects.create(
            assignment=assignment, feedback=feedback, **slot_columns(rating, RATING_KEYS)
        )
        completed = review.assignments.filter(status=AssignmentStatus.COMPLETED).count()
        if review.status == ReviewStatus.OPEN and (
            completed >= settings.CROWDSOURCE_REVIEWERS_PER_REVIEW
        ):
            Review.objects.filter(pk=review.pk).update(
                status=ReviewStatus.COMPLETED, update_date=now
            )
    return saved


def assignments_expire() -> int:
    """OPEN assignments older than ``CROWDSOURCE_ASSIGNMENT_TTL_HOURS`` are withdrawn (99), so
    an abandoned review goes back to the pool. Returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.CROWDSOURCE_ASSIGNMENT_TTL_HOURS)
    return ReviewAssignment.objects.filter(
        Q(status=AssignmentStatus.OPEN) & Q(create_date__lt=cutoff)
    ).update(status=AssignmentStatus.DELETED, update_date=timezone.now())
