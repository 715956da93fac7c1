"""Crowdsourced reviews (spec careers.md §7, §9.13, §10): the owner's grant, start, status,
stories and reviews; the reviewer's start, status, stories, reject and close; the legacy error
bodies; the per-review cap under a row lock; grant revocation; assignment expiry."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from modules.careers.models import (
    Media,
    Question,
    Review,
    ReviewAssignment,
    ReviewRating,
    ReviewStory,
    StoryGrant,
)
from modules.careers.tasks import expire_review_assignments
from tests.careers.conftest import V1, careers_state, careers_user, make_story
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

CS = f"{V1}/crowdsource"
NOT_OPEN = {"error": "CROWDSOURCE_REVIEW_NOT_OPEN"}


def iso(value):
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def post(client, path, body, user, **extra):
    return client.post(
        f"{CS}/{path}", body, content_type="application/json", **bearer(user), **extra
    )


def get(client, path, user, **query):
    return client.get(f"{CS}/{path}", query, **bearer(user))


def grant(user, is_granted=True):
    return StoryGrant.objects.create(user=user, is_granted=is_granted)


def stories(user, count=3, **fields):
    question = Question.objects.create(question="What was your first job?")
    return [
        make_story(user, question=question, transcript=f"Story {n}.", title=f"Title {n}", **fields)
        for n in range(count)
    ]


def open_review(owner, count=3, *, at=None, status=5):
    """A granted owner's review (OPEN unless told) of ``count`` new stories, made at ``at``."""
    grant(owner)
    review = Review.objects.create(owner=owner, status=status)
    for story in stories(owner, count):
        ReviewStory.objects.create(review=review, media=story)
    if at is not None:
        Review.objects.filter(pk=review.pk).update(create_date=at)
        review.refresh_from_db()
    return review


@pytest.fixture
def owner():
    return careers_user(name="Owner")


@pytest.fixture
def reviewer():
    return careers_user(name="Reviewer")


def rating_body(options, **overrides):
    body = {
        "value1": options["value"][1].pk,
        "value2": options["value"][2].pk,
        "valueconfidence": options["confidence"][4].pk,
        "strength1": options["strength"][1].pk,
        "strengthconfidence": options["confidence"][3].pk,
        "impact1": options["impact"][1].pk,
        "impactconfidence": options["confidence"][2].pk,
        "impactother": "Teaching",
    }
    body.update(overrides)
    return body


# Grant


def test_grant_is_false_until_given_and_the_newest_row_wins(client, owner):
    assert get(client, "story/grant/", owner).json() == {"is_granted": False, "create_date": None}
    response = post(client, "story/grant/", {"is_granted": True}, owner, HTTP_USER_AGENT="App/1")
    first = StoryGrant.objects.get()
    assert response.status_code == 200
    assert response.json() == {"is_granted": True, "create_date": iso(first.create_date)}
    assert (first.user, first.is_granted, first.ip, first.user_agent) == (
        owner,
        True,
        "127.0.0.1",
        "App/1",
    )
    assert get(client, "story/grant/", owner).json()["is_granted"] is True
    response = post(client, "story/grant/", {}, owner)  # absent: false
    assert response.status_code == 200
    assert response.json()["is_granted"] is False
    assert list(StoryGrant.objects.order_by("id").values_list("is_granted", flat=True)) == [
        True,
        False,
    ]
    assert get(client, "story/grant/", owner).json()["is_granted"] is False


def test_a_grant_that_is_not_a_boolean_writes_nothing(client, owner):
    before = careers_state()
    response = post(client, "story/grant/", {"is_granted": "perhaps"}, owner)
    assert response.status_code == 400
    assert response.json() == {"is_granted": ["Must be a valid boolean."]}
    assert careers_state() == before


def test_revoking_withdraws_the_open_review_and_its_open_assignments(client, owner, reviewer):
    done = open_review(owner)
    done_assignment = ReviewAssignment.objects.create(review=done, reviewer=reviewer, status=10)
    Review.objects.filter(pk=done.pk).update(status=10)
    review = Review.objects.create(owner=owner)
    assignment = ReviewAssignment.objects.create(review=review, reviewer=reviewer)
    rejected = ReviewAssignment.objects.create(
        review=review, reviewer=careers_user(), status=15, feedback="No."
    )
    response = post(client, "story/grant/", {"is_granted": False}, owner)
    assert response.status_code == 200
    assert Review.objects.get(pk=review.pk).status == 99
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == 99
    assert ReviewAssignment.objects.get(pk=rejected.pk).status == 15
    assert Review.objects.get(pk=done.pk).status == 10
    assert ReviewAssignment.objects.get(pk=done_assignment.pk).status == 10
    # The reviewer no longer holds it; the owner may open a new review once granted again.
    assert get(client, "review/status/", reviewer).json() == NOT_OPEN


# The owner: start, status, stories


def refused(response, error, status="NOT_STARTED"):
    assert response.status_code == 400
    expected = {"status": status, "error": error} if status else {"error": error}
    assert response.json() == expected


def test_start_checks_grant_then_open_review_then_stories_and_writes_nothing(client, owner):
    before = careers_state()
    refused(post(client, "story/start/", {}, owner), "CROWDSOURCE_NOT_GRANTED")
    assert careers_state() == before

    review = open_review(owner, count=1)
    grant(owner, False)  # not granted is told first, an OPEN review or not
    before = careers_state()
    refused(post(client, "story/start/", {}, owner), "CROWDSOURCE_NOT_GRANTED")
    grant(owner)
    before = careers_state()
    refused(post(client, "story/start/", {}, owner), "CROWDSOURCE_REVIEW_OPEN")
    assert careers_state() == before

    Review.objects.filter(pk=review.pk).update(status=10)
    stories(owner, 2)
    before = careers_state()
    refused(post(client, "story/start/", {}, owner), "NOT_ENOUGH_STORIES")
    assert careers_state() == before


def test_start_opens_a_review_of_every_eligible_story(client, owner, reviewer):
    grant(owner)
    old = open_review(owner, count=2)
    Review.objects.filter(pk=old.pk).update(status=10)  # its stories were reviewed
    withdrawn = open_review(owner, count=1)
    Review.objects.filter(pk=withdrawn.pk).update(status=99)  # its story is free again
    fresh = stories(owner, 2)
    stories(owner, 1, status=2)  # not transcribed
    stories(owner, 1, status=8)  # deleted
    stories(reviewer, 3)  # someone else's
    response = post(client, "story/start/", {}, owner)
    assert response.status_code == 200
    assert response.json() == {"status": "STARTED"}
    review = Review.objects.get(status=5)
    assert review.owner == owner
    expected = {*[story.pk for story in fresh], *withdrawn.stories.values_list("pk", flat=True)}
    assert set(review.stories.values_list("pk", flat=True)) == expected


def test_start_needs_the_configured_number_of_stories(client, owner, settings):
    settings.CROWDSOURCE_MIN_STORIES = 1
    grant(owner)
    stories(owner, 1)
    assert post(client, "story/start/", {}, owner).status_code == 200


def test_story_status_and_stories_show_the_open_review(client, owner):
    assert get(client, "story/status/", owner).json() == NOT_OPEN
    response = get(client, "story/stories/", owner)
    assert response.status_code == 400
    assert response.json() == NOT_OPEN
    review = open_review(owner)
    gone = review.stories.order_by("id").first()
    Media.objects.filter(pk=gone.pk).update(status=8)
    response = get(client, "story/status/", owner)
    assert response.status_code == 200
    assert response.json() == {
        "status": 5,
        "updated_date": iso(review.update_date),
        "create_date": iso(review.create_date),
    }
    response = get(client, "story/stories/", owner)
    assert response.status_code == 200
    rows = ReviewStory.objects.filter(review=review).exclude(media=gone).order_by("id")
    assert response.json() == [
        {"review": review.pk, "story": row.media_id, "create_date": iso(row.create_date)}
        for row in rows
    ]
    assert response["X-Total-Count"] == "2"
    response = get(client, "story/stories/", owner, limit=1, offset=1)
    assert [item["story"] for item in response.json()] == [rows[1].media_id]
    assert response["X-Total-Count"] == "2"
    response = get(client, "story/stories/", owner, limit=0)
    assert response.status_code == 400
    assert response.json() == {"limit": ["Ensure this value is greater than or equal to 1."]}


def test_story_reviews_show_completed_feedback_anonymously(client, owner, reviewer, options):
    assert get(client, "story/reviews/", owner).json() == {"error": "CROWDSOURCE_NO_REVIEWS"}
    older = open_review(owner, at=timezone.now() - timedelta(days=2), status=10)
    newer = open_review(owner, at=timezone.now() - timedelta(days=1), status=10)
    unreviewed = open_review(owner)
    ratings = {}
    for review in (older, newer):
        assignment = ReviewAssignment.objects.create(review=review, reviewer=reviewer, status=10)
        ratings[review.pk] = ReviewRating.objects.create(
            assignment=assignment,
            feedback=f"Clear {review.pk}.",
            value1=options["value"][1],
            valueconfidence=options["confidence"][1],
            strength1=options["strength"][2],
            strengthconfidence=options["confidence"][2],
            impact1=options["impact"][3],
            impactconfidence=options["confidence"][3],
            impactother="Teaching",
        )
    ReviewAssignment.objects.create(review=newer, reviewer=careers_user(), status=15, feedback="x")
    ReviewAssignment.objects.create(review=unreviewed, reviewer=careers_user())
    response = get(client, "story/reviews/", owner)
    assert response.status_code == 200
    expected = []
    for review in (newer, older):
        review.refresh_from_db()
        rating = ratings[review.pk]
        block = {f"{g}{n}": 0 for g in ("value", "strength", "impact") for n in range(1, 6)}
        block.update(
            value1=options["value"][1].pk,
            valueother="",
            valueconfidence=options["confidence"][1].pk,
            strength1=options["strength"][2].pk,
            strengthother="",
            strengthconfidence=options["confidence"][2].pk,
            impact1=options["impact"][3].pk,
            impactother="Teaching",
            impactconfidence=options["confidence"][3].pk,
        )
        expected.append(
            {
                "review": review.pk,
                "status": 10,
                "create_date": iso(review.create_date),
                "updated_date": iso(review.update_date),
                "stories": list(
                    ReviewStory.objects.filter(review=review)
                    .order_by("id")
                    .values_list("media_id", flat=True)
                ),
                "feedback": [
                    {
                        "sweetspot": block,
                        "feedback": rating.feedback,
                        "create_date": iso(rating.create_date),
                    }
                ],
            }
        )
    assert response.json() == expected
    assert response["X-Total-Count"] == "2"
    assert "reviewer" not in response.content.decode()
    assert reviewer.email not in response.content.decode()


# The reviewer: start


def test_review_start_takes_the_oldest_eligible_review(client, owner, reviewer):
    now = timezone.now()
    oldest = open_review(owner, at=now - timedelta(days=3))
    other = careers_user()
    newer = open_review(other, at=now - timedelta(days=1))
    response = post(client, "review/start/", {}, reviewer)
    assert response.status_code == 200
    assert response.json() == {"status": "STARTED"}
    assignment = ReviewAssignment.objects.get()
    assert (assignment.review, assignment.reviewer, assignment.status) == (oldest, reviewer, 5)
    before = careers_state()
    refused(post(client, "review/start/", {}, reviewer), "CROWDSOURCE_REVIEW_OPEN")
    assert careers_state() == before
    assert newer.assignments.count() == 0


def test_review_start_skips_what_the_caller_may_not_take(client, owner, reviewer):
    now = timezone.now()
    own = open_review(reviewer, at=now - timedelta(days=9))  # the caller's own
    revoked_owner = careers_user()
    revoked = open_review(revoked_owner, at=now - timedelta(days=8))
    grant(revoked_owner, False)
    Review.objects.filter(pk=revoked.pk).update(status=5)  # still OPEN, owner no longer grants
    seen = open_review(careers_user(), at=now - timedelta(days=7))
    ReviewAssignment.objects.create(review=seen, reviewer=reviewer, status=15, feedback="no")
    full = open_review(careers_user(), at=now - timedelta(days=6))
    ReviewAssignment.objects.create(review=full, reviewer=careers_user())  # cap 1 reached
    done = open_review(careers_user(), at=now - timedelta(days=5))
    Review.objects.filter(pk=done.pk).update(status=10)
    before = careers_state()
    refused(post(client, "review/start/", {}, reviewer), "CROWDSOURCE_NO_REVIEWS")
    assert careers_state() == before
    assert own.assignments.count() == 0

    target = open_review(owner, at=now - timedelta(days=1))
    assert post(client, "review/start/", {}, reviewer).status_code == 200
    assert ReviewAssignment.objects.get(reviewer=reviewer, status=5).review == target


def test_rejected_and_expired_assignments_free_the_cap(client, owner, reviewer, settings):
    review = open_review(owner)
    ReviewAssignment.objects.create(review=review, reviewer=careers_user(), status=15)
    ReviewAssignment.objects.create(review=review, reviewer=careers_user(), status=99)
    assert post(client, "review/start/", {}, reviewer).status_code == 200
    settings.CROWDSOURCE_REVIEWERS_PER_REVIEW = 2
    second = careers_user()
    assert post(client, "review/start/", {}, second).status_code == 200
    refused(post(client, "review/start/", {}, careers_user()), "CROWDSOURCE_NO_REVIEWS")
    assert review.assignments.filter(status=5).count() == 2


# The reviewer: status, stories


def test_review_status_and_stories_show_text_never_owner_or_audio(client, owner, reviewer):
    assert get(client, "review/status/", reviewer).json() == NOT_OPEN
    assert get(client, "review/stories/", reviewer).json() == NOT_OPEN
    review = open_review(owner)
    gone = review.stories.order_by("id").last()
    Media.objects.filter(pk=gone.pk).update(status=8)
    post(client, "review/start/", {}, reviewer)
    assignment = ReviewAssignment.objects.get()
    response = get(client, "review/status/", reviewer)
    assert response.status_code == 200
    assert response.json() == {
        "status": 5,
        "updated_date": iso(assignment.update_date),
        "create_date": iso(assignment.create_date),
    }
    response = get(client, "review/stories/", reviewer)
    assert response.status_code == 200
    rows = ReviewStory.objects.filter(review=review).exclude(media=gone).order_by("id")
    assert response.json() == [
        {
            "review": review.pk,
            "story": row.media_id,
            "question": "What was your first job?",
            "title": row.media.title,
            "transcript": row.media.transcript,
            "create_date": iso(row.create_date),
        }
        for row in rows
    ]
    assert response["X-Total-Count"] == "2"
    text = response.content.decode()
    assert owner.email not in text and "media/" not in text and "Owner" not in text
    # The owner's own endpoints are not the reviewer's.
    assert get(client, "story/stories/", reviewer).json() == NOT_OPEN


# The reviewer: reject


def test_reject_gives_the_review_back_with_a_reason(client, owner, reviewer):
    before = careers_state()
    refused(
        post(client, "review/reject/", {"feedback": "x"}, reviewer),
        "CROWDSOURCE_REVIEW_NOT_OPEN",
        status="NOT_REJECTED",
    )
    assert careers_state() == before
    review = open_review(owner)
    post(client, "review/start/", {}, reviewer)
    before = careers_state()
    for body, errors in (
        ({}, {"feedback": ["This field is required."]}),
        ({"feedback": " "}, {"feedback": ["This field may not be blank."]}),
        (
            {"feedback": "x" * 5001},
            {"feedback": ["Ensure this field has no more than 5000 characters."]},
        ),
    ):
        response = post(client, "review/reject/", body, reviewer)
        assert response.status_code == 400
        assert response.json() == errors
    assert careers_state() == before
    response = client.post(
        f"{CS}/review/reject/", {"feedback": "Too personal."}, **bearer(reviewer)
    )  # a form body is read too
    assert response.status_code == 200
    assert response.json() == {"status": "REJECTED"}
    assignment = ReviewAssignment.objects.get()
    assert (assignment.status, assignment.feedback) == (15, "Too personal.")
    assert Review.objects.get(pk=review.pk).status == 5
    # Back in the pool for others, never again for this reviewer.
    refused(post(client, "review/start/", {}, reviewer), "CROWDSOURCE_NO_REVIEWS")
    other = careers_user()
    assert post(client, "review/start/", {}, other).status_code == 200
    assert ReviewAssignment.objects.get(reviewer=other).review == review


def test_reject_refuses_an_unreadable_media_type_first(client, reviewer):
    response = client.post(
        f"{CS}/review/reject/", "feedback", content_type="text/plain", **bearer(reviewer)
    )
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}


@pytest.mark.parametrize(
    "path", ["story/start/", "review/start/", "review/reject/", "review/close/"]
)
def test_a_body_too_large_is_413_before_the_state_is_checked(client, owner, settings, path):
    """Spec §1's order, 413 before the 400s: the size is checked before the legacy refusals
    (no OPEN assignment, not granted) and before anything is started."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    grant(owner)
    stories(owner)
    before = careers_state()
    body = {"feedback": "x" * 2048}
    response = post(client, path, body, owner)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}
    assert careers_state() == before
    response = client.post(f"{CS}/{path}", "x" * 2048, content_type="text/plain", **bearer(owner))
    assert response.status_code == 413
    assert careers_state() == before


# The reviewer: close


def test_close_stores_the_rating_and_completes_the_review(client, owner, reviewer, options):
    review = open_review(owner)
    post(client, "review/start/", {}, reviewer)
    body = {"sweetspot": rating_body(options), "feedback": {"feedback": "Clear."}}
    response = post(client, "review/close/", body, reviewer)
    assert response.status_code == 200
    assert response.json() == {"status": "COMPLETED"}
    assignment = ReviewAssignment.objects.get()
    assert assignment.status == 10
    rating = ReviewRating.objects.get()
    assert rating.assignment == assignment
    assert rating.feedback == "Clear."
    assert (rating.value1, rating.value2, rating.value3_id) == (
        options["value"][1],
        options["value"][2],
        None,
    )
    assert (rating.valueconfidence, rating.strengthconfidence, rating.impactconfidence) == (
        options["confidence"][4],
        options["confidence"][3],
        options["confidence"][2],
    )
    assert (rating.strength1, rating.impact1, rating.impactother) == (
        options["strength"][1],
        options["impact"][1],
        "Teaching",
    )
    assert Review.objects.get(pk=review.pk).status == 10
    refused(
        post(client, "review/close/", body, reviewer),
        "CROWDSOURCE_REVIEW_NOT_OPEN",
        status="NOT_CLOSED",
    )
    assert get(client, "story/reviews/", owner).json()[0]["feedback"][0]["feedback"] == "Clear."


def test_a_review_completes_when_enough_reviewers_closed_it(client, owner, options, settings):
    settings.CROWDSOURCE_REVIEWERS_PER_REVIEW = 2
    review = open_review(owner)
    first, second = careers_user(), careers_user()
    body = {"sweetspot": rating_body(options), "feedback": {"feedback": "Good."}}
    for user in (first, second):
        assert post(client, "review/start/", {}, user).status_code == 200
    assert post(client, "review/close/", body, first).status_code == 200
    assert Review.objects.get(pk=review.pk).status == 5
    assert post(client, "review/close/", body, second).status_code == 200
    assert Review.objects.get(pk=review.pk).status == 10
    assert ReviewRating.objects.count() == 2


def test_close_reports_nested_errors_and_writes_nothing(client, owner, reviewer, options):
    open_review(owner)
    post(client, "review/start/", {}, reviewer)
    before = careers_state()
    cases = [
        (
            {},
            {"sweetspot": ["This field is required."], "feedback": ["This field is required."]},
        ),
        (
            {"sweetspot": {}, "feedback": {}},
            {
                "sweetspot": {
                    "value1": ["This field is required."],
                    "valueconfidence": ["This field is required."],
                    "strength1": ["This field is required."],
                    "strengthconfidence": ["This field is required."],
                    "impact1": ["This field is required."],
                    "impactconfidence": ["This field is required."],
                },
                "feedback": {"feedback": ["This field is required."]},
            },
        ),
        (
            {
                "sweetspot": rating_body(options, value2=options["value"][1].pk, value3=777777),
                "feedback": {"feedback": "x" * 5001},
            },
            {
                "sweetspot": {
                    "value3": ['Invalid pk "777777" - object does not exist.'],
                    "value2": ["Duplicate choice."],
                },
                "feedback": {"feedback": ["Ensure this field has no more than 5000 characters."]},
            },
        ),
        (
            {"sweetspot": [], "feedback": "Clear."},
            {
                "sweetspot": {
                    "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
                },
                "feedback": {
                    "non_field_errors": ["Invalid data. Expected a dictionary, but got str."]
                },
            },
        ),
    ]
    for body, errors in cases:
        response = post(client, "review/close/", body, reviewer)
        assert response.status_code == 400, body
        assert response.json() == errors, body
    assert careers_state() == before


def test_close_reads_json_only(client, owner, reviewer, options):
    before = careers_state()
    response = client.post(f"{CS}/review/close/", {"feedback": "x"}, **bearer(reviewer))
    assert response.status_code == 415  # before the missing assignment
    assert response.json() == {
        "detail": 'Unsupported media type "multipart/form-data; boundary=BoUnDaRyStRiNg" in request.'
    }
    open_review(owner)
    post(client, "review/start/", {}, reviewer)
    before = careers_state()
    response = client.post(
        f"{CS}/review/close/",
        "feedback=x",
        content_type="application/x-www-form-urlencoded",
        **bearer(reviewer),
    )
    assert response.status_code == 415
    assert careers_state() == before


# Expiry


def test_the_periodic_task_expires_assignments_held_too_long(owner, settings):
    settings.CROWDSOURCE_ASSIGNMENT_TTL_HOURS = 72
    now = timezone.now()
    review = open_review(owner)
    rows = {}
    for name, status, age in (
        ("stale", 5, 73),
        ("fresh", 5, 71),
        ("stale_done", 10, 100),
        ("stale_rejected", 15, 100),
    ):
        row = ReviewAssignment.objects.create(review=review, reviewer=careers_user(), status=status)
        ReviewAssignment.objects.filter(pk=row.pk).update(create_date=now - timedelta(hours=age))
        rows[name] = row
    assert expire_review_assignments.call_local() == 1
    statuses = {name: ReviewAssignment.objects.get(pk=row.pk).status for name, row in rows.items()}
    assert statuses == {"stale": 99, "fresh": 5, "stale_done": 10, "stale_rejected": 15}
    assert expire_review_assignments.call_local() == 0  # idempotent
    assert Review.objects.get(pk=review.pk).status == 5


def test_an_expired_review_goes_back_to_the_pool(client, owner, reviewer):
    open_review(owner)
    assert post(client, "review/start/", {}, reviewer).status_code == 200
    ReviewAssignment.objects.update(create_date=timezone.now() - timedelta(hours=80))
    expire_review_assignments.call_local()
    assert get(client, "review/status/", reviewer).json() == NOT_OPEN
    other = careers_user()
    assert post(client, "review/start/", {}, other).status_code == 200


def test_every_crowdsource_operation_needs_a_token(client):
    for method, path in [
        ("get", "story/grant/"),
        ("post", "story/grant/"),
        ("post", "story/start/"),
        ("get", "story/status/"),
        ("get", "story/stories/"),
        ("get", "story/reviews/"),
        ("post", "review/start/"),
        ("get", "review/status/"),
        ("get", "review/stories/"),
        ("post", "review/reject/"),
        ("post", "review/close/"),
    ]:
        response = getattr(client, method)(f"{CS}/{path}")
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_stamps_are_rendered_in_utc(client, owner):
    stamp = datetime(2025, 1, 5, 10, 0, tzinfo=UTC)
    StoryGrant.objects.filter(pk=grant(owner).pk).update(create_date=stamp)
    assert get(client, "story/grant/", owner).json() == {
        "is_granted": True,
        "create_date": "2025-01-05T10:00:00Z",
    }


# Races against real PostgreSQL (the services run): each call on its own thread and database
# connection, all started at once. The in-memory SQLite of the unit run locks whole tables
# between connections, which is not the database these rules are written for.


def start_call(user):
    from django.test import Client

    headers = bearer(user)

    def call():
        response = Client().post(
            f"{CS}/review/start/", {}, content_type="application/json", **headers
        )
        return response.status_code, response.json()

    return call


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_reviewers_starting_at_once_get_distinct_reviews_or_none(attempt):
    from tests.support import run_together

    now = timezone.now()
    reviews = [open_review(careers_user(), at=now - timedelta(days=n)) for n in (2, 1)]
    reviewers = [careers_user() for _ in range(3)]
    results = run_together([start_call(user) for user in reviewers])
    assert sorted(results, key=str) == sorted(
        [
            (200, {"status": "STARTED"}),
            (200, {"status": "STARTED"}),
            (400, {"status": "NOT_STARTED", "error": "CROWDSOURCE_NO_REVIEWS"}),
        ],
        key=str,
    ), results
    taken = list(ReviewAssignment.objects.values_list("review_id", flat=True))
    assert sorted(taken) == sorted(review.pk for review in reviews)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_one_reviewer_starting_twice_at_once_holds_one_review():
    from tests.support import run_together

    for _ in range(2):
        open_review(careers_user())
    reviewer = careers_user()
    results = run_together([start_call(reviewer), start_call(reviewer)])
    assert sorted(results, key=str) == sorted(
        [
            (200, {"status": "STARTED"}),
            (400, {"status": "NOT_STARTED", "error": "CROWDSOURCE_REVIEW_OPEN"}),
        ],
        key=str,
    ), results
    assert ReviewAssignment.objects.filter(reviewer=reviewer).count() == 1


def _queries(client, path, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, path, user)  # warm: the bearer's first-use writes are not the list's
    with CaptureQueriesContext(connection) as captured:
        assert get(client, path, user).status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_the_rows(client, owner, reviewer, options):
    def completed_review():
        review = open_review(owner, status=10)
        assignment = ReviewAssignment.objects.create(
            review=review, reviewer=careers_user(), status=10
        )
        ReviewRating.objects.create(
            assignment=assignment,
            value1=options["value"][1],
            valueconfidence=options["confidence"][1],
            strength1=options["strength"][1],
            strengthconfidence=options["confidence"][1],
            impact1=options["impact"][1],
            impactconfidence=options["confidence"][1],
        )

    completed_review()
    few = _queries(client, "story/reviews/", owner)
    for _ in range(3):
        completed_review()
    assert _queries(client, "story/reviews/", owner) == few

    review = open_review(careers_user(), count=1)
    ReviewAssignment.objects.create(review=review, reviewer=reviewer)
    few = _queries(client, "review/stories/", reviewer)
    for story in stories(review.owner, 4):
        ReviewStory.objects.create(review=review, media=story)
    assert _queries(client, "review/stories/", reviewer) == few


@pytest.mark.parametrize("path", ["story/start/", "review/start/"])
def test_starts_read_no_body_but_refuse_an_unreadable_one(client, owner, path):
    before = careers_state()
    response = client.post(f"{CS}/{path}", "x", content_type="text/plain", **bearer(owner))
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert careers_state() == before
    response = client.post(f"{CS}/{path}", **bearer(owner))  # no body at all
    assert response.status_code == 400
