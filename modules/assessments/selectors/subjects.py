"""Reads of subjects (#40) and the name search over sealed columns: SQL narrows the rows to an
applet (or an inviter's invitations), Python opens the names and matches them (spec §3)."""

from collections.abc import Iterable
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Max, Model, Q, QuerySet

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden, Missing
from modules.assessments.models import Answer, Subject, UserAppletAccess
from modules.assessments.roles import INVITERS, Role
from modules.assessments.selectors.access import roles_in

M = TypeVar("M", bound=Model)

NAME_FIELDS = ("nickname", "first_name", "last_name")


def _matches(row: Any, text: str, fields: Iterable[str]) -> bool:
    folded = text.casefold()
    return any(folded in str(getattr(row, field, "") or "").casefold() for field in fields)


def name_matches(
    queryset: QuerySet[M], text: str, fields: Iterable[str] = NAME_FIELDS
) -> list[Any]:
    """Primary keys of the rows of ``queryset`` (already narrowed in SQL) whose opened ``fields``
    contain ``text``, case-insensitively."""
    names = tuple(fields)
    only = ["pk", *names]
    rows = queryset.select_related(None).only(*only)
    return [row.pk for row in rows if _matches(row, text, names)]


def searched_subjects(
    subjects: QuerySet[Subject], text: str | None, plain: Iterable[str] = ("secret_user_id", "tag")
) -> QuerySet[Subject]:
    """Subjects whose names match in Python or whose clear columns ``plain`` match in SQL."""
    text = (text or "").strip()
    if not text:
        return subjects
    condition = Q(pk__in=name_matches(subjects, text))
    for field in plain:
        condition |= Q(**{f"{field}__icontains": text})
    return subjects.filter(condition)


def _reviewer_holds(user: User, subject: Subject) -> bool:
    access = UserAppletAccess.objects.filter(
        user=user, applet_id=subject.applet_id, role=Role.REVIEWER, is_deleted=False
    ).first()
    named = access.meta.get("subjects") if access and isinstance(access.meta, dict) else None
    return isinstance(named, list) and str(subject.pk) in {str(each) for each in named}


def live_subject(subject_id: UUID) -> Subject:
    """A live subject of a live applet, or 404 ``Subject with id <s> not found``."""
    subject = (
        Subject.objects.select_related("applet", "user")
        .filter(pk=subject_id, is_deleted=False, applet__is_deleted=False)
        .first()
    )
    if subject is None:
        raise Missing(errors.SUBJECT_WITH_ID_NOT_FOUND.format(id=subject_id))
    return subject


def last_answer_about(subject: Subject) -> Any:
    """When the latest answer about the subject (its target) was made, or None."""
    found = Answer.objects.filter(target_subject=subject).aggregate(latest=Max("created_at"))
    return found["latest"]


def subject_detail(*, actor: User, subject_id: UUID) -> dict[str, Any]:
    """Inviters of its applet, a reviewer given it, and its own account read a subject."""
    subject = live_subject(subject_id)
    own = subject.user_id is not None and subject.user_id == actor.pk
    if not (
        own or roles_in(actor, subject.applet_id) & INVITERS or _reviewer_holds(actor, subject)
    ):
        raise Forbidden(errors.ACCESS_DENIED_PLAIN)
    return {
        "id": subject.pk,
        "secret_user_id": subject.secret_user_id,
        "nickname": subject.nickname,
        "tag": subject.tag,
        "last_seen": last_answer_about(subject),
        "applet_id": subject.applet_id,
        "user_id": subject.user.public_id if subject.user else None,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
    }
