"""Staff pages for every careers table, the demo data (spec careers.md §8), and the database
invariants of the models part 2 fills."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from model_bakery import baker

from core.models import User
from modules.careers.models import (
    CareerProfile,
    OptionKind,
    Profession,
    Prospect,
    Question,
    Review,
    ReviewAssignment,
    ReviewRating,
    ReviewStory,
    Role,
    StoryGrant,
    SweetSpotOption,
    TranscriptionJob,
    TypeAttribute,
)
from tests.careers.conftest import V1, careers_state, careers_user, make_options, make_story
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def _every_row():
    owner, reviewer = careers_user(), careers_user()
    options = make_options()
    story = make_story(owner, transcript="I see", system={"visual": 1})
    TranscriptionJob.objects.create(media=story, engine="local", status="done")
    review = Review.objects.create(owner=owner)
    ReviewStory.objects.create(review=review, media=story)
    assignment = ReviewAssignment.objects.create(review=review, reviewer=reviewer)
    rating = {
        "value1": options["value"][1],
        "strength1": options["strength"][1],
        "impact1": options["impact"][1],
        "valueconfidence": options["confidence"][1],
        "strengthconfidence": options["confidence"][1],
        "impactconfidence": options["confidence"][1],
    }
    ReviewRating.objects.create(assignment=assignment, feedback="Clear.", **rating)
    baker.make("careers.PeerFeedback", subject=owner, **rating)
    baker.make("careers.DreamJob", user=owner)
    baker.make("careers.SweetSpot", user=owner, value1=options["value"][1])
    baker.make("careers.ErrorLog", user=owner)
    baker.make("careers.Prospect", email="p@example.com")
    StoryGrant.objects.create(user=owner, is_granted=True)
    role = Role.objects.create(title="Nurse", profession=Profession.objects.create(title="Care"))
    role.attributes.add(TypeAttribute.objects.create(title="Social"))


def test_every_careers_model_has_admin_list_and_change_pages(staff_client):
    _every_row()
    for model in apps.get_app_config("careers").get_models():
        if model._meta.auto_created:
            continue
        base = f"/admin/careers/{model._meta.model_name}/"
        assert staff_client.get(base).status_code == 200, base
        assert staff_client.get(f"{base}?q=example").status_code == 200, base
        row = model.objects.first()
        assert row is not None, model
        change = f"{base}{row.pk}/change/"
        assert staff_client.get(change).status_code == 200, change


def test_staff_edit_the_catalog_in_the_admin(staff_client, client):
    response = staff_client.post(
        "/admin/careers/question/add/",
        {"question": "What makes you curious?", "sort_order": 3, "status": 1},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    client.logout()
    assert client.get(f"{V1}/question/{question.pk}/").json()["question"] == (
        "What makes you curious?"
    )


def test_seed_demo_makes_the_catalog_once(settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    questions = list(Question.objects.order_by("pk").values_list("pk", "sort_order", "status"))
    assert questions == [(pk, pk - 8, 1) for pk in range(9, 20)]
    texts = dict(Question.objects.values_list("pk", "question"))
    assert texts[9] == "What was your favourite thing to do as a child?"
    assert texts[10] == "What is your earliest joyful childhood memory?"
    assert texts[19] == "How would you like to be remembered?"
    assert len(set(texts.values())) == 11
    assert Profession.objects.count() >= 3
    assert Role.objects.count() >= 3
    assert all(role.attributes.exists() for role in Role.objects.all())
    for kind in (OptionKind.VALUE, OptionKind.STRENGTH, OptionKind.IMPACT):
        active = SweetSpotOption.objects.filter(kind=kind, status=1)
        assert active.count() >= 6
        first = active.order_by("sort_order", "title").first()
        assert (first.title, first.sort_order) == ("Don't know", 0)
    confidences = set(
        SweetSpotOption.objects.filter(kind=OptionKind.CONFIDENCE).values_list("title", flat=True)
    )
    assert confidences == {"Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"}
    # Without DEBUG there is no demo careers user.
    assert not User.objects.filter(email="careers@example.com").exists()
    # A question staff add next gets a fresh id, not one of the seeded ones.
    assert Question.objects.create(question="New").pk not in range(9, 20)


def test_with_debug_the_demo_careers_user_logs_in_and_is_granted(client, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert "careers user: careers@example.com / careers-pass-1" in out.getvalue()
    login = client.post(
        "/api/token/",
        {"email": "careers@example.com", "password": "careers-pass-1"},
        content_type="application/json",
    )
    assert login.status_code == 200
    user = User.objects.get(email="careers@example.com")
    assert CareerProfile.objects.filter(user=user).count() == 1
    assert StoryGrant.objects.filter(user=user).count() == 1
    assert StoryGrant.objects.get(user=user).is_granted
    response = client.get(f"{V1}/user/", HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert response.json()["name"] == "Casey Careers"
    assert len(client.get(f"{V1}/question/").json()) == 11


# Invariants in the database


def _refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_open_review_per_owner_and_one_open_assignment_per_reviewer():
    owner, reviewer = careers_user(), careers_user()
    review = Review.objects.create(owner=owner)
    _refused(lambda: Review.objects.create(owner=owner))
    Review.objects.create(owner=owner, status=Review.Status.COMPLETED)  # closed ones pile up
    other = Review.objects.create(owner=careers_user())
    ReviewAssignment.objects.create(review=review, reviewer=reviewer)
    _refused(lambda: ReviewAssignment.objects.create(review=other, reviewer=reviewer))
    _refused(
        lambda: ReviewAssignment.objects.create(
            review=review, reviewer=reviewer, status=ReviewAssignment.Status.REJECTED
        )
    )
    story = make_story(owner)
    ReviewStory.objects.create(review=review, media=story)
    _refused(lambda: ReviewStory.objects.create(review=review, media=story))


def test_statuses_are_checked_by_the_database():
    owner = careers_user()
    _refused(lambda: Review.objects.create(owner=owner, status=7))
    _refused(lambda: make_story(owner, status=6))
    story = make_story(owner)
    _refused(lambda: TranscriptionJob.objects.create(media=story, status="lost"))
    _refused(lambda: SweetSpotOption.objects.create(kind="colour", title="Red"))


def test_uids_xrefs_options_and_prospect_emails_are_unique():
    first, second = make_user(), make_user()
    CareerProfile.objects.create(user=first, firebase_uid="uid-1")
    _refused(lambda: CareerProfile.objects.create(user=second, firebase_uid="uid-1"))
    _refused(lambda: CareerProfile.objects.create(user=second, firebase_uid=""))
    # Many profiles without a uid.
    CareerProfile.objects.create(user=second)
    assert CareerProfile.objects.filter(firebase_uid__isnull=True).count() == 1
    SweetSpotOption.objects.create(kind="value", title="Family")
    SweetSpotOption.objects.create(kind="strength", title="Family")
    _refused(lambda: SweetSpotOption.objects.create(kind="value", title="Family"))
    Prospect.objects.create(name="A", email="a@example.com")
    _refused(lambda: Prospect.objects.create(name="A", email="A@EXAMPLE.COM"))
    assert Prospect.objects.annotate(e=Lower("email")).get().e == "a@example.com"


def test_a_transcription_job_is_a_core_job_row():
    from core.models import JobRow

    assert issubclass(TranscriptionJob, JobRow)
    names = {field.name for field in TranscriptionJob._meta.get_fields()}
    assert {"create_date", "update_date", "attempts", "next_attempt_at", "heartbeat_at"} <= names
    assert not {"created_at", "updated_at"} & names
    job = TranscriptionJob(status="waiting")
    assert job.state == "waiting"


def test_deleting_a_question_with_stories_is_refused():
    from django.db.models import ProtectedError

    story = make_story(careers_user())
    with pytest.raises(ProtectedError):
        story.question.delete()


def test_the_user_api_reads_the_demo_option_ids(client):
    # Option ids from the list endpoints are what a poll sends.
    options = make_options()
    user = careers_user()
    listed = client.get(f"{V1}/agpoll/sweetspotvalues/").json()
    assert listed[0] == {"id": options["value"][0].pk, "title": "Don't know"}
    body = {"value1": listed[1]["id"], "value2": listed[2]["id"]}
    response = client.post(
        f"{V1}/agpoll/sweetspot/", body, content_type="application/json", **bearer(user)
    )
    assert response.status_code == 201


# The pipeline's staff actions (spec §5, §8) and the demo user's stories


def _stored_story(user, content: bytes, *, status: int = 1, audio_format: str = "wav"):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save(
        f"careers/media/{user.pk}/story.{audio_format}", ContentFile(content)
    )
    story = make_story(user, status=status, audio_format=audio_format)
    story.file.name = name
    story.save(update_fields=["file"])
    return story


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory):
    from tests.careers.speech import say

    return say(
        "I think. I know. I understand.", tmp_path_factory.mktemp("admin") / "s.wav", voice="en-us"
    ).read_bytes()


def _action(staff_client, action, *stories, **extra):
    body = {"action": action, "_selected_action": [story.pk for story in stories], **extra}
    return staff_client.post("/admin/careers/media/", body)


def test_rerun_transcription_queues_a_fresh_job_that_the_worker_runs(
    staff_client, settings, spoken_wav
):
    from modules.careers.profile import representational_system

    settings.TRANSCRIBE_BACKEND = "local"
    story = _stored_story(careers_user(), spoken_wav, status=5)
    TranscriptionJob.objects.create(
        media=story, engine="openai", status="failed", attempts=5, last_error="HTTP 500"
    )
    response = _action(staff_client, "rerun_transcription", story)
    assert response.status_code == 302
    story.refresh_from_db()
    job = TranscriptionJob.objects.get(media=story)
    # The commit woke the worker (inline in tests): one fresh attempt with the local engine.
    assert (job.status, job.engine, job.attempts, job.last_error) == ("done", "local", 1, "")
    assert story.status == 4
    assert "think" in story.transcript.split()
    assert story.representational_system == representational_system(story.transcript)
    page = staff_client.get(response["Location"])
    assert "1 story queued for transcription." in page.content.decode()


def test_rerun_leaves_deleted_stories_and_does_nothing_with_the_backend_off(staff_client, settings):
    settings.TRANSCRIBE_BACKEND = "local"
    owner = careers_user()
    deleted = make_story(owner, status=8)
    TranscriptionJob.objects.create(media=deleted, status="cancelled")
    before = careers_state()
    response = _action(staff_client, "rerun_transcription", deleted)
    assert response.status_code == 302
    assert careers_state() == before
    settings.TRANSCRIBE_BACKEND = "off"
    failed = make_story(owner, status=5)
    before = careers_state()
    response = _action(staff_client, "rerun_transcription", failed)
    assert "TRANSCRIBE_BACKEND is off" in staff_client.get(response["Location"]).content.decode()
    assert careers_state() == before


def test_paste_transcript_shows_a_form_then_finishes_as_manual(staff_client, client, settings):
    settings.TRANSCRIBE_BACKEND = "off"
    owner = careers_user()
    story = make_story(owner, status=1)
    page = _action(staff_client, "paste_transcript", story)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<textarea name="transcript"' in html
    assert 'name="apply"' in html
    assert not TranscriptionJob.objects.exists()
    text = "I see the bright picture.\nI hear the music and I feel it."
    response = _action(staff_client, "paste_transcript", story, apply="1", transcript=text)
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.status, story.transcript) == (4, text)
    assert story.representational_system == {
        "visual": 3,
        "auditory": 2,
        "kinesthetic": 1,
        "auditory_digital": 0,
    }
    job = TranscriptionJob.objects.get(media=story)
    assert (job.engine, job.status) == ("manual", "done")
    profile = client.get(f"{V1}/user/profile/", **bearer(owner)).json()
    assert profile == {"representational_system": story.representational_system}


def test_paste_transcript_replaces_a_failed_job_and_refuses_deleted_stories(staff_client):
    owner = careers_user()
    failed = make_story(owner, status=5)
    TranscriptionJob.objects.create(media=failed, engine="aws", status="failed", attempts=5)
    _action(staff_client, "paste_transcript", failed, apply="1", transcript="  I know.  ")
    failed.refresh_from_db()
    assert (failed.status, failed.transcript) == (4, "I know.")
    job = TranscriptionJob.objects.get(media=failed)
    assert (job.engine, job.status, job.attempts) == ("manual", "done", 5)
    deleted = make_story(owner, status=8)
    before = careers_state()
    response = _action(staff_client, "paste_transcript", deleted, apply="1", transcript="x")
    assert "A deleted story cannot be transcribed." in (
        staff_client.get(response["Location"]).content.decode()
    )
    response = _action(staff_client, "paste_transcript", failed, deleted)
    assert "Select exactly one story" in staff_client.get(response["Location"]).content.decode()
    assert careers_state() == before


def test_the_demo_user_has_three_transcribed_stories(client, settings):
    from django.core.files.storage import default_storage

    from modules.careers.models import Media
    from modules.careers.profile import representational_system
    from modules.careers.transcription.audio import probe

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    user = User.objects.get(email="careers@example.com")
    stories = list(Media.objects.filter(user=user).order_by("question_id"))
    assert [story.question_id for story in stories] == [9, 10, 11]
    totals = {"visual": 0, "auditory": 0, "kinesthetic": 0, "auditory_digital": 0}
    for story in stories:
        assert story.status == 4
        assert story.representational_system == representational_system(story.transcript)
        assert sum(story.representational_system.values()) >= 3
        job = TranscriptionJob.objects.get(media=story)
        assert (job.engine, job.status) == ("manual", "done")
        info = probe(default_storage.path(story.file.name))
        assert (info.container, info.sample_rate, info.channels) == ("wav", 16000, 1)
        for key, count in story.representational_system.items():
            totals[key] += count
    assert all(totals.values())
    login = client.post(
        "/api/token/",
        {"email": "careers@example.com", "password": "careers-pass-1"},
        content_type="application/json",
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {login.json()['access']}"}
    assert client.get(f"{V1}/user/profile/", **headers).json() == {
        "representational_system": totals
    }
    words = sum(len(story.transcript.split()) for story in stories)
    assert client.get(f"{V1}/user/status/", **headers).json()["word_count"] == words
