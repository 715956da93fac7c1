"""Shapes of the crowdsource endpoints (spec careers.md §7); the ``*In`` schemas only document
the bodies the views read with ``core.body``."""

from typing import Any

from pydantic import BaseModel, Field

from modules.careers.models import GROUPS, Review, ReviewRating, ReviewStory
from modules.careers.schemas import ApiDateTime, Out, RatingIn


class CrowdsourceErrorOut(Out):
    """The legacy refusal: the operation's outcome (when it has one) and an error code."""

    status: str | None = Field(default=None, examples=["NOT_STARTED"])
    error: str = Field(examples=["CROWDSOURCE_REVIEW_NOT_OPEN"])


class NothingIn(BaseModel):
    """No field is read: the body may be empty or ``{}``."""


class GrantIn(BaseModel):
    is_granted: bool = False


class GrantOut(Out):
    is_granted: bool
    create_date: ApiDateTime | None


class OutcomeOut(Out):
    status: str = Field(examples=["STARTED"])


class CrowdsourceStatusOut(Out):
    status: int = Field(examples=[5])
    updated_date: ApiDateTime
    create_date: ApiDateTime


class OwnerStoryOut(Out):
    review: int
    story: int
    create_date: ApiDateTime


class ReviewerStoryOut(Out):
    review: int
    story: int
    question: str
    title: str
    transcript: str
    create_date: ApiDateTime


class RatingOut(Out):
    """A rating block as option ids; unset slots are 0."""

    value1: int
    value2: int
    value3: int
    value4: int
    value5: int
    valueother: str
    valueconfidence: int
    strength1: int
    strength2: int
    strength3: int
    strength4: int
    strength5: int
    strengthother: str
    strengthconfidence: int
    impact1: int
    impact2: int
    impact3: int
    impact4: int
    impact5: int
    impactother: str
    impactconfidence: int


class ReviewFeedbackOut(Out):
    sweetspot: RatingOut
    feedback: str
    create_date: ApiDateTime


class OwnerReviewOut(Out):
    review: int
    status: int
    create_date: ApiDateTime
    updated_date: ApiDateTime
    stories: list[int]
    feedback: list[ReviewFeedbackOut]


class RejectIn(BaseModel):
    feedback: str = Field(max_length=5000, description="Why the review was given back.")


class ClosingFeedbackIn(BaseModel):
    feedback: str = Field(max_length=5000, examples=["Clear."])


class CloseIn(BaseModel):
    sweetspot: RatingIn
    feedback: ClosingFeedbackIn


# Output shapes built from rows


def status_out(row: Any) -> dict[str, Any]:
    return {"status": row.status, "updated_date": row.update_date, "create_date": row.create_date}


def owner_story_out(row: ReviewStory) -> dict[str, Any]:
    return {"review": row.review_id, "story": row.media_id, "create_date": row.create_date}


def reviewer_story_out(row: ReviewStory) -> dict[str, Any]:
    """What a reviewer reads of a story: never its owner or its audio."""
    return {
        "review": row.review_id,
        "story": row.media_id,
        "question": row.media.question.question,
        "title": row.media.title,
        "transcript": row.media.transcript,
        "create_date": row.create_date,
    }


def rating_out(rating: ReviewRating) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for group in GROUPS:
        for n in range(1, 6):
            shape[f"{group}{n}"] = getattr(rating, f"{group}{n}_id") or 0
        shape[f"{group}other"] = getattr(rating, f"{group}other")
        shape[f"{group}confidence"] = getattr(rating, f"{group}confidence_id")
    return shape


def owner_review_out(review: Review, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": review.pk,
        "status": review.status,
        "create_date": review.create_date,
        "updated_date": review.update_date,
        "stories": details["stories"],
        "feedback": [
            {
                "sweetspot": rating_out(rating),
                "feedback": rating.feedback,
                "create_date": rating.create_date,
            }
            for rating in details["ratings"]
        ],
    }
