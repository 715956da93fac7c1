"""An applet's respondents (#19): one row per account or limited subject; a reviewer sees only
the subjects its access names."""

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden, Missing
from modules.assessments.models import Applet, Invitation, Subject, UserAppletAccess
from modules.assessments.roles import RESPONDENT_VIEWERS, Role
from modules.assessments.selectors.access import roles_in, workspace_owner
from modules.assessments.selectors.paging import Page, listing
from modules.assessments.selectors.subjects import searched_subjects

# Nicknames are sealed at rest (pii.py): no order in SQL, so ``nickname`` is not offered.
ORDERING = {
    "createdAt": "created_at",
    "secretUserId": "secret_user_id",
    "secretIds": "secret_user_id",
    "tag": "tag",
}


@dataclass(frozen=True)
class RespondentFilters:
    role: str | None = None
    shell: bool | None = None
    user_id: UUID | None = None
    respondent_secret_id: str | None = None


def _visible(actor: User, applet: Applet, roles: set[str]) -> QuerySet[Subject]:
    subjects = Subject.objects.filter(applet=applet, is_deleted=False)
    if roles & (RESPONDENT_VIEWERS - {Role.REVIEWER}):
        return subjects
    reviewer = UserAppletAccess.objects.filter(
        user=actor, applet=applet, role=Role.REVIEWER, is_deleted=False
    ).first()
    named = reviewer.meta.get("subjects") if reviewer and isinstance(reviewer.meta, dict) else []
    return subjects.filter(pk__in=[str(each) for each in named or [] if _is_uuid(each)])


def _is_uuid(value: Any) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _filtered(
    subjects: QuerySet[Subject], applet: Applet, f: RespondentFilters
) -> QuerySet[Subject]:
    if f.role:
        holders = UserAppletAccess.objects.filter(applet=applet, role=f.role, is_deleted=False)
        condition = Q(user__in=holders.values("user_id"))
        if f.role == Role.RESPONDENT:
            condition |= Q(user__isnull=True)
        subjects = subjects.filter(condition)
    if f.shell is not None:
        subjects = subjects.filter(user__isnull=f.shell)
    if f.user_id is not None:
        subjects = subjects.filter(user__public_id=f.user_id)
    if f.respondent_secret_id:
        subjects = subjects.filter(secret_user_id=f.respondent_secret_id)
    return subjects


def applet_respondents(
    *, actor: User, owner_id: UUID, applet_id: UUID, filters: RespondentFilters, page: Page
) -> tuple[list[dict[str, Any]], int]:
    owner = workspace_owner(owner_id, actor=actor)
    applet = Applet.objects.filter(pk=applet_id, owner=owner, is_deleted=False).first()
    if applet is None:
        raise Missing(errors.APPLET_NOT_FOUND.format(id=applet_id))
    roles = roles_in(actor, applet.pk)
    if not roles & RESPONDENT_VIEWERS:
        raise Forbidden(errors.APPLET_DENIED)
    # Names are sealed at rest: matched in Python over this applet's rows (selectors/subjects).
    chosen = searched_subjects(
        _filtered(_visible(actor, applet, roles), applet, filters), page.search
    )
    subjects, total = listing(
        chosen.select_related("user"),
        replace(page, search=None),
        search=[],
        ordering=ORDERING,
        default=["-created_at"],
    )
    users = [s.user_id for s in subjects if s.user_id]
    accesses = {
        access.user_id: access.pk
        for access in UserAppletAccess.objects.filter(
            applet=applet, role=Role.RESPONDENT, is_deleted=False, user_id__in=users
        )
    }
    pending = {
        invitation.subject_id: invitation
        for invitation in Invitation.objects.filter(
            applet=applet, status=Invitation.Status.PENDING, subject__in=subjects
        )
    }
    return [_row(s, applet, accesses, pending) for s in subjects], total


def _row(
    subject: Subject,
    applet: Applet,
    accesses: dict[Any, Any],
    pending: dict[Any, Invitation],
) -> dict[str, Any]:
    user = subject.user
    invitation = pending.get(subject.pk)
    status = "invited" if user is not None else "pending" if invitation else "not_invited"
    detail = {
        "applet_id": applet.pk,
        "applet_display_name": applet.display_name,
        "applet_image": applet.image,
        "access_id": accesses.get(subject.user_id),
        "respondent_nickname": subject.nickname,
        "respondent_secret_id": subject.secret_user_id,
        "has_individual_schedule": False,
        "encryption": applet.encryption,
        "subject_id": subject.pk,
        "subject_tag": subject.tag,
        "subject_first_name": subject.first_name,
        "subject_last_name": subject.last_name,
        "subject_created_at": subject.created_at,
        "invitation": invitation_item(invitation, applet) if invitation else None,
    }
    return {
        "id": user.public_id if user else None,
        "nicknames": [subject.nickname],
        "secret_ids": [subject.secret_user_id],
        "is_anonymous_respondent": False,
        "last_seen": user.last_seen_at if user else None,
        "is_pinned": False,
        "status": status,
        "email": subject.email or (user.email if user else None),
        "subjects": [subject.pk],
        "details": [detail],
    }


def invitation_item(invitation: Invitation, applet: Applet | None = None) -> dict[str, Any]:
    """An invitation as #35 and #36 list it (and #19 nests it); ``applet`` spares the query
    when the caller holds it."""
    applet = applet or invitation.applet
    return {
        "email": invitation.email,
        "applet_id": applet.pk,
        "applet_name": applet.display_name,
        "role": invitation.role,
        "key": invitation.key,
        "status": invitation.status,
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "created_at": invitation.created_at,
        "meta": invitation.meta,
        "nickname": invitation.nickname,
        "secret_user_id": invitation.secret_user_id,
        "tag": invitation.tag,
        "title": invitation.title,
    }
