"""Demo data (spec careers.md §8): the questions, professions, roles with type attributes, the
four option lists and, with ``DEBUG``, a careers user."""

from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection

from core.demo import ensure_user
from modules.careers.models import (
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
