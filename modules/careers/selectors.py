"""Reads scoped to the caller: another user's poll is a plain 404, like a missing one."""

import uuid
from collections import Counter
from typing import Any

from django.db.models import QuerySet

from core import fastpath
from core.body import MAX_PK
from core.db import UtcIsoText
from core.errors import NotFound, PermissionDenied
from core.models import User
from core.selectors import pk_or_404
from modules.careers.models import (
    DREAMJOB_FIELDS,
    GROUPS,
    SLOTS,
    CareerProfile,
    DreamJob,
    Media,
    MediaStatus,
    OptionKind,
    PeerFeedback,
    Profession,
    Prospect,
    Question,
    Role,
    Status,
    SweetSpot,
    SweetSpotOption,
    TypeAttribute,
)

REPRESENTATIONAL_KEYS = ("visual", "auditory", "kinesthetic", "auditory_digital")
CONFIDENCES = ("valueconfidence", "strengthconfidence", "impactconfidence")


# Catalog (public)


def question_list() -> QuerySet[Question]:
    """Active questions only (inactive ones were listed by the legacy API, spec §9.3)."""
    return Question.objects.filter(status=Status.ACTIVE).order_by("sort_order", "id")


def question_get(*, question_id: int) -> Question:
    return pk_or_404(question_list(), question_id)


def profession_list() -> QuerySet[Profession]:
    return Profession.objects.order_by("title", "id")


def profession_get(*, profession_id: int) -> Profession:
    return pk_or_404(profession_list(), profession_id)


def role_list() -> QuerySet[Role]:
    return Role.objects.order_by("title", "id")


def role_get(*, role_id: int) -> Role:
    return pk_or_404(role_list(), role_id)


def type_attribute_list() -> QuerySet[TypeAttribute]:
    return TypeAttribute.objects.order_by("title", "id")


def type_attribute_get(*, type_attribute_id: int) -> TypeAttribute:
    return pk_or_404(type_attribute_list(), type_attribute_id)


def type_attribute_role_list(*, type_attribute: TypeAttribute) -> QuerySet[Role]:
    return role_list().filter(attributes=type_attribute)


def option_list(*, kind: str) -> QuerySet[SweetSpotOption]:
    """Active options of one list, first (0), normal (1) and last (99) by title."""
    return SweetSpotOption.objects.filter(kind=kind, status=Status.ACTIVE).order_by(
        "sort_order", "title", "id"
    )


# The caller


def profile_get(*, actor: User) -> CareerProfile:
    """The caller's profile (the bearer made it on the first request)."""
    profile = fastpath.first(CareerProfile.objects.filter(user_id=actor.pk))
    if profile is None:
        raise NotFound()
    return profile


def _live_stories(actor: User) -> QuerySet[Media]:
    """Transcribed stories: what word counts and the language profile are made of."""
    return Media.objects.filter(user_id=actor.pk, status=MediaStatus.TRANSCRIBED)


def user_status(*, actor: User) -> dict[str, Any]:
    transcripts = _live_stories(actor).values_list("transcript", flat=True)
    return {
        "sweetspot_completed": SweetSpot.objects.filter(user_id=actor.pk).exists(),
        "dreamjob_completed": DreamJob.objects.filter(user_id=actor.pk).exists(),
        "word_count": sum(len(text.split()) for text in transcripts),
    }


def user_language_profile(*, actor: User) -> dict[str, Any]:
    """Per-key sums of the representational system of the caller's transcribed stories."""
    totals = dict.fromkeys(REPRESENTATIONAL_KEYS, 0)
    for system in _live_stories(actor).values_list("representational_system", flat=True):
        if not isinstance(system, dict):
            continue
        for key in REPRESENTATIONAL_KEYS:
            value = system.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                totals[key] += value
    return {"representational_system": totals}


def feedback_summary(*, actor: User) -> dict[str, Any]:
    """Peer feedback about the caller, counted by option title (the legacy README's shape).

    Two queries whatever the number of ratings: their option ids, then the titles of those.
    """
    columns = [f"{slot}_id" for slot in SLOTS] + [f"{name}_id" for name in CONFIDENCES]
    rows = list(PeerFeedback.objects.filter(subject_id=actor.pk).values_list(*columns))
    ids = {option_id for row in rows for option_id in row if option_id is not None}
    titles = dict(SweetSpotOption.objects.filter(pk__in=ids).values_list("pk", "title"))
    summary: dict[str, Any] = {}
    for index, group in enumerate(GROUPS):
        counts: Counter[str] = Counter()
        for row in rows:
            for option_id in row[index * 5 : index * 5 + 5]:
                if option_id is not None:
                    counts[titles[option_id]] += 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        summary[f"{group}s"] = [{group: title, f"{group}_count": n} for title, n in ordered]
    triples = Counter(tuple(titles[option_id] for option_id in row[15:]) for row in rows)
    summary["confidence"] = [
        {
            key: value
            for name, title in zip(CONFIDENCES, triple, strict=True)
            for key, value in ((name, title), (f"{name}_count", count))
        }
        for triple, count in sorted(triples.items(), key=lambda item: (-item[1], item[0]))
    ]
    return summary


def profile_by_xref(*, xref: str) -> CareerProfile:
    """Whom a public feedback link names; a malformed xref names nobody."""
    try:
        key = uuid.UUID(xref)
    except ValueError:
        raise NotFound() from None
    profile = fastpath.first(
        CareerProfile.objects.filter(xref=key, user__is_active=True).select_related("user")
    )
    if profile is None:
        raise NotFound()
    return profile


def active_user(*, user_id: int) -> User | None:
    """The account a password-reset link names, if it may still log in."""
    if not 0 < user_id <= MAX_PK:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


# Polls (owner only)


def dreamjob_list(*, actor: User) -> QuerySet[DreamJob]:
    return _dreamjobs_of(actor.pk)


def _dreamjobs_of(user_id: int) -> QuerySet[DreamJob]:
    return DreamJob.objects.filter(user_id=user_id).order_by("-create_date", "-id")


# What a poll in a list shows (schemas.DreamJobOut), read as plain values, the date already as
# the API writes it: model objects for a page of fifty polls cost more than its query.
_DREAMJOB_COLUMNS = ("id", "user_id", *DREAMJOB_FIELDS)


def dreamjob_page(*, actor: User, limit: int, offset: int) -> tuple[list[tuple[Any, ...]], int]:
    """A page of the caller's dream-job polls as tuples of column values in ``DreamJobOut``'s
    order (``user_id`` for ``user``), newest first, and how many the caller has. Prepared reads
    (``core.fastpath.prepared``), one per page shape, the caller bound; a first page shorter
    than the limit is the whole list, so no count is read then."""

    def build(user_id: int) -> QuerySet[Any]:
        columns = _dreamjobs_of(user_id).values_list(*_DREAMJOB_COLUMNS, UtcIsoText("create_date"))
        return columns[offset : offset + limit]

    rows = fastpath.prepared(f"careers.dreamjob_page:{offset}:{limit}", build, actor.pk)
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        return rows, offset + len(rows)
    return rows, fastpath.prepared_count("careers.dreamjob_total", _dreamjobs_of, actor.pk)


def dreamjob_get(*, actor: User, dreamjob_id: int) -> DreamJob:
    return pk_or_404(dreamjob_list(actor=actor), dreamjob_id)


def sweetspot_list(*, actor: User) -> QuerySet[SweetSpot]:
    return SweetSpot.objects.filter(user_id=actor.pk).order_by("-create_date", "-id")


def sweetspot_get(*, actor: User, sweetspot_id: int) -> SweetSpot:
    return pk_or_404(sweetspot_list(actor=actor), sweetspot_id)


def option_kinds(*, option_ids: set[int]) -> dict[int, str]:
    """The kind of each of these ids that is an active option (one query for a whole poll)."""
    if not option_ids:
        return {}
    found = SweetSpotOption.objects.filter(pk__in=option_ids, status=Status.ACTIVE)
    return dict(found.values_list("pk", "kind"))


# Prospects (staff only)


def _staff_only(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied()


def prospect_list(*, actor: User) -> QuerySet[Prospect]:
    _staff_only(actor)
    return Prospect.objects.order_by("-create_date", "-id")


def prospect_get(*, actor: User, key: str) -> Prospect:
    """``prospect/{id|email}/``: digits name an id, anything with ``@`` an email (any case)."""
    _staff_only(actor)
    prospects = Prospect.objects.all()
    key = key.strip()
    if key.isascii() and key.isdigit():
        # More digits than any key has would also be more than int() reads.
        if len(key) > len(str(MAX_PK)):
            raise NotFound()
        return pk_or_404(prospects, int(key))
    if "@" in key:
        found = fastpath.first(prospects.filter(email__iexact=key))
        if found is not None:
            return found
    raise NotFound()


OPTION_KINDS = {
    "values": OptionKind.VALUE,
    "strengths": OptionKind.STRENGTH,
    "impacts": OptionKind.IMPACT,
    "confidences": OptionKind.CONFIDENCE,
}
