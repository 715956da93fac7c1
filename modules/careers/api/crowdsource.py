"""Crowdsourced reviews (spec careers.md §7): the owner's ``crowdsource/story/*`` and the
reviewer's ``crowdsource/review/*``. Refusals keep the legacy ``{"status", "error"}`` bodies
(``modules.careers.errors.CrowdsourceRefused``), status 400."""

from typing import Any

from django.http import HttpResponse
from ninja import Router

from core.auth import AuthedRequest
from core.schemas import ErrorOut, ValidationErrorOut, body_docs
from modules.careers import bodies
from modules.careers.api.common import AUTHED, TAGS
from modules.careers.auth import careers_bearer
from modules.careers.crowdsource_schemas import (
    CloseIn,
    CrowdsourceErrorOut,
    CrowdsourceStatusOut,
    GrantIn,
    GrantOut,
    NothingIn,
    OutcomeOut,
    OwnerReviewOut,
    OwnerStoryOut,
    RejectIn,
    ReviewerStoryOut,
    owner_review_out,
    owner_story_out,
    reviewer_story_out,
    status_out,
)
from modules.careers.lists import page
from modules.careers.schemas import LIST_DOCS
from modules.careers.services import crowdsource
from modules.careers.visits import visit_of

router = Router(tags=TAGS, auth=careers_bearer)

REFUSED: dict[int, Any] = {400: CrowdsourceErrorOut, **AUTHED}
# A list refused for the state things are in, or for its ``limit``/``offset``.
REFUSED_LIST: dict[int, Any] = {400: CrowdsourceErrorOut | ValidationErrorOut, **AUTHED}
REFUSED_OR_INVALID: dict[int, Any] = {
    400: CrowdsourceErrorOut | ValidationErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    **AUTHED,
}
STARTED = {"status": "STARTED"}
# The starts read no body (one too large is still a 413 and an unreadable media type a 415, as
# for every write); it is documented as optional.
NO_BODY: dict[str, Any] = {
    "requestBody": {**body_docs(NothingIn)["requestBody"], "required": False}
}


# The owner


@router.get(
    "crowdsource/story/grant/",
    response={200: GrantOut, **AUTHED},
    summary="Whether the caller lets others review their stories",
)
def get_story_grant(request: AuthedRequest) -> dict[str, Any]:
    return _grant_out(crowdsource.grant_get(actor=request.auth))


@router.post(
    "crowdsource/story/grant/",
    response={200: GrantOut, 400: ValidationErrorOut, 413: ErrorOut, 415: ErrorOut, **AUTHED},
    summary="Grant or revoke reviews of the caller's stories",
    description="Revoking withdraws the caller's OPEN review and its OPEN assignments.",
    openapi_extra=body_docs(GrantIn),
)
def set_story_grant(request: AuthedRequest) -> dict[str, Any]:
    is_granted = bodies.grant_flag(request)
    grant = crowdsource.grant_set(
        actor=request.auth, is_granted=is_granted, visit=visit_of(request)
    )
    return _grant_out(grant)


def _grant_out(grant: Any) -> dict[str, Any]:
    if grant is None:
        return {"is_granted": False, "create_date": None}
    return {"is_granted": grant.is_granted, "create_date": grant.create_date}


@router.post(
    "crowdsource/story/start/",
    response={200: OutcomeOut, **REFUSED, 413: ErrorOut, 415: ErrorOut},
    summary="Open a review of the caller's transcribed stories",
    openapi_extra=NO_BODY,
)
def start_story_review(request: AuthedRequest) -> dict[str, str]:
    bodies.require_readable(request)
    crowdsource.story_start(actor=request.auth)
    return STARTED


@router.get(
    "crowdsource/story/status/",
    response={200: CrowdsourceStatusOut, **REFUSED},
    summary="The caller's OPEN review",
)
def get_story_review_status(request: AuthedRequest) -> dict[str, Any]:
    return status_out(crowdsource.open_review(actor=request.auth))


@router.get(
    "crowdsource/story/stories/",
    response={200: list[OwnerStoryOut], **REFUSED_LIST},
    summary="The stories of the caller's OPEN review",
    openapi_extra=LIST_DOCS,
)
def list_story_review_stories(
    request: AuthedRequest, response: HttpResponse
) -> list[dict[str, Any]]:
    review = crowdsource.open_review(actor=request.auth)
    rows = page(request, response, crowdsource.review_story_list(review=review))
    return [owner_story_out(row) for row in rows]


@router.get(
    "crowdsource/story/reviews/",
    response={200: list[OwnerReviewOut], **REFUSED_LIST},
    summary="The caller's completed reviews with their anonymous feedback, newest first",
    openapi_extra=LIST_DOCS,
)
def list_story_reviews(request: AuthedRequest, response: HttpResponse) -> list[dict[str, Any]]:
    reviews = page(request, response, crowdsource.owner_review_list(actor=request.auth))
    details = crowdsource.review_feedback(reviews=reviews)
    return [owner_review_out(review, details[review.pk]) for review in reviews]


# The reviewer


@router.post(
    "crowdsource/review/start/",
    response={200: OutcomeOut, **REFUSED, 413: ErrorOut, 415: ErrorOut},
    summary="Take the oldest review waiting for a reviewer",
    openapi_extra=NO_BODY,
)
def start_review(request: AuthedRequest) -> dict[str, str]:
    bodies.require_readable(request)
    crowdsource.review_start(actor=request.auth)
    return STARTED


@router.get(
    "crowdsource/review/status/",
    response={200: CrowdsourceStatusOut, **REFUSED},
    summary="The caller's OPEN assignment",
)
def get_review_status(request: AuthedRequest) -> dict[str, Any]:
    return status_out(crowdsource.open_assignment(actor=request.auth))


@router.get(
    "crowdsource/review/stories/",
    response={200: list[ReviewerStoryOut], **REFUSED_LIST},
    summary="The stories to review: question, title and transcript, never owner or audio",
    openapi_extra=LIST_DOCS,
)
def list_review_stories(request: AuthedRequest, response: HttpResponse) -> list[dict[str, Any]]:
    assignment = crowdsource.open_assignment(actor=request.auth)
    queryset = crowdsource.review_story_list(review=assignment.review)
    return [reviewer_story_out(row) for row in page(request, response, queryset)]


@router.post(
    "crowdsource/review/reject/",
    response={200: OutcomeOut, **REFUSED_OR_INVALID},
    summary="Give the review back, with a reason",
    openapi_extra=body_docs(RejectIn),
)
def reject_review(request: AuthedRequest) -> dict[str, str]:
    bodies.require_readable(request)
    assignment = crowdsource.open_assignment(actor=request.auth, outcome=crowdsource.NOT_REJECTED)
    reason = bodies.rejection_reason(request)
    crowdsource.review_reject(assignment=assignment, reason=reason)
    return {"status": "REJECTED"}


@router.post(
    "crowdsource/review/close/",
    response={200: OutcomeOut, **REFUSED_OR_INVALID},
    summary="Close the review with a rating and feedback (JSON only)",
    openapi_extra=body_docs(CloseIn, media_types=("application/json",)),
)
def close_review(request: AuthedRequest) -> dict[str, str]:
    bodies.require_readable(request, forms=False)
    assignment = crowdsource.open_assignment(actor=request.auth, outcome=crowdsource.NOT_CLOSED)
    closing = bodies.review_closing(request)
    crowdsource.review_close(
        assignment=assignment, rating=closing["rating"], feedback=closing["feedback"]
    )
    return {"status": "COMPLETED"}
