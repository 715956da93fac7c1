"""Demo data (spec careers.md §8): the questions, professions, roles with type attributes, the
four option lists and, with ``DEBUG``, a careers user with three transcribed stories."""

import io
import math
import struct
import uuid
import wave
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection

from core.demo import ensure_user
from modules.careers.models import (
    Media,
    OptionKind,
    Profession,
    Question,
    Role,
    SortOrder,
    StoryGrant,
    SweetSpotOption,
    TypeAttribute,
)
from modules.careers.services.accounts import profile_ensure
from modules.careers.services.transcription import transcript_paste

DEMO_EMAIL = "careers@example.com"
DEMO_PASSWORD = "careers-pass-1"

# Ids 9-19 as the legacy README numbers them; 9, 10 and 19 are the README's own texts.
QUESTIONS = (
    (9, "What was your favourite thing to do as a child?"),
    (10, "What is your earliest joyful childhood memory?"),
    (11, "What did you want to be when you grew up, and why?"),
    (12, "Tell us about something you made that you are proud of."),
    (13, "What kind of problems do you enjoy solving?"),
    (14, "Describe a day at work or school that went really well."),
    (15, "Who has inspired you the most, and how?"),
    (16, "When do you lose track of time?"),
    (17, "What do your friends ask you to help them with?"),
    (18, "What would you do if you knew you could not fail?"),
    (19, "How would you like to be remembered?"),
)

TYPE_ATTRIBUTES = {
    "Creative": "Imagines new things and likes to make them real.",
    "Analytical": "Takes problems apart and reasons about the pieces.",
    "Social": "Gets energy from working with and for people.",
    "Practical": "Likes hands-on work with a visible result.",
    "Organised": "Brings order, plans and follows through.",
}

# profession -> roles (title, type attributes)
ROLES = {
    "Design": [("Graphic Designer", ["Creative"]), ("UX Designer", ["Creative", "Analytical"])],
    "Engineering": [
        ("Software Engineer", ["Analytical", "Practical"]),
        ("Civil Engineer", ["Practical", "Organised"]),
    ],
    "Healthcare": [("Nurse", ["Social", "Practical"]), ("Physiotherapist", ["Social"])],
    "Education": [("Teacher", ["Social", "Organised"])],
    "Marketing": [("Marketing Manager", ["Creative", "Social"])],
    "Finance": [("Accountant", ["Organised", "Analytical"])],
}

DONT_KNOW = "Don't know"
OPTIONS = {
    OptionKind.VALUE: [
        "Achievement",
        "Creativity",
        "Family",
        "Freedom",
        "Helping others",
        "Security",
    ],
    OptionKind.STRENGTH: [
        "Communication",
        "Empathy",
        "Leadership",
        "Organisation",
        "Problem solving",
        "Resilience",
    ],
    OptionKind.IMPACT: [
        "Community",
        "Education",
        "Environment",
        "Health",
        "Innovation",
        "Wellbeing",
    ],
}
CONFIDENCES = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")

# The demo user's stories: (question id, title, transcript). Their profiles are computed by the
# pipeline's finish step, as for any story.
STORIES = (
    (
        9,
        "Drawing maps",
        "I loved drawing maps of imaginary islands. I could see every bay and picture the "
        "bright colours, and I would look at them for hours. I think that is where I learned "
        "to plan.",
    ),
    (
        10,
        "The piano at Gran's",
        "My earliest happy memory is listening to my gran play the piano. I can still hear the "
        "music and feel the warm wooden bench. She would talk me through every song.",
    ),
    (
        11,
        "Building things",
        "I wanted to be an engineer because I liked to hold tools and build things I could "
        "touch. I decided early that I understand problems best when I grasp them with my hands.",
    ),
)


def seed(*, stdout: Any) -> None:
    """Create what is missing; existing rows are left as staff may have edited them."""
    _questions()
    _roles()
    _options()
    stdout.write(
        f"careers: {len(QUESTIONS)} questions, {Role.objects.count()} roles, "
        f"{SweetSpotOption.objects.count()} sweet-spot options"
    )
    if settings.DEBUG:
        user = ensure_user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Casey", last_name="Careers")
        profile_ensure(user=user)
        if not StoryGrant.objects.filter(user=user).exists():
            StoryGrant.objects.create(user=user, is_granted=True)
        _stories(user)
        stdout.write(f"careers user: {DEMO_EMAIL} / {DEMO_PASSWORD}")


def _questions() -> None:
    for sort_order, (pk, text) in enumerate(QUESTIONS, start=1):
        Question.objects.get_or_create(pk=pk, defaults={"question": text, "sort_order": sort_order})
    # Ids were given, so PostgreSQL's sequence has not moved: the next question staff add
    # would otherwise collide with one of these.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Question]):
            cursor.execute(statement)


def _roles() -> None:
    attributes = {
        title: TypeAttribute.objects.get_or_create(
            title=title, defaults={"description": description}
        )[0]
        for title, description in TYPE_ATTRIBUTES.items()
    }
    for profession_title, roles in ROLES.items():
        profession, _ = Profession.objects.get_or_create(title=profession_title)
        for title, attribute_titles in roles:
            role, created = Role.objects.get_or_create(
                title=title, defaults={"profession": profession}
            )
            if created:
                role.attributes.set([attributes[name] for name in attribute_titles])


def _options() -> None:
    for kind, titles in OPTIONS.items():
        SweetSpotOption.objects.get_or_create(
            kind=kind, title=DONT_KNOW, defaults={"sort_order": SortOrder.FIRST}
        )
        for title in titles:
            SweetSpotOption.objects.get_or_create(kind=kind, title=title)
    for title in CONFIDENCES:
        SweetSpotOption.objects.get_or_create(kind=OptionKind.CONFIDENCE, title=title)


def _tone(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """A short 440 Hz tone as WAV s16 mono: a real, playable original for each demo story."""
    frames = (
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(frames))
    return buffer.getvalue()


def _stories(user: Any) -> None:
    """Three transcribed stories, once: a second seed finds them and adds none."""
    if Media.objects.filter(user=user).exists():
        return
    profile = profile_ensure(user=user)
    audio = _tone()
    for question_id, title, transcript in STORIES:
        name = default_storage.save(
            f"careers/media/{profile.xref}/{uuid.uuid4()}.wav", ContentFile(audio)
        )
        media = Media.objects.create(
            user=user,
            question_id=question_id,
            title=title,
            file=name,
            audio_format="wav",
            size_bytes=len(audio),
            duration_s=1.0,
        )
        transcript_paste(media=media, text=transcript)
