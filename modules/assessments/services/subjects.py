"""Subjects (#39, #41): the people an applet is about. A subject made here is a limited account
(no login) until an invitation gives it one; deleting one is soft, so answers already given
keep naming it unless the caller asks for them to go too."""

from uuid import UUID

from django.db import transaction
from django.db.models import Q

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden
from modules.assessments.models import Answer, Invitation, Subject, UserAppletAccess
from modules.assessments.pii import email_hash
from modules.assessments.roles import INVITERS, Role
from modules.assessments.schemas.subjects import SubjectCreateIn
from modules.assessments.selectors.access import applet_for, roles_in
from modules.assessments.selectors.subjects import live_subject
from modules.assessments.services.invitations import invalid, lock_applet

# Who deletes a subject (#41).
DELETERS = frozenset({Role.OWNER, Role.MANAGER, Role.COORDINATOR})


def _already_respondent(applet_id: UUID, email: str) -> bool:
    hashed = email_hash(email)
    if Subject.objects.filter(applet_id=applet_id, email_hash=hashed, is_deleted=False).exists():
        return True
    return UserAppletAccess.objects.filter(
        applet_id=applet_id,
        role=Role.RESPONDENT,
        is_deleted=False,
        user__email__iexact=email,
    ).exists()


def subject_create(*, actor: User, body: SubjectCreateIn) -> Subject:
    """#39: a limited subject, unique by secret id (and by email when one is given)."""
    applet, _ = applet_for(actor, body.applet_id, allowed=INVITERS, denied=errors.INVITES_DENIED)
    with transaction.atomic():
        lock_applet(applet)
        if body.email and _already_respondent(applet.pk, body.email):
            raise invalid(errors.RESPONDENT_ALREADY_INVITED)
        if Subject.objects.filter(
            applet=applet, secret_user_id=body.secret_user_id, is_deleted=False
        ).exists():
            raise invalid(errors.NON_UNIQUE_VALUE, "secretUserId")
        return Subject.objects.create(
            applet=applet,
            creator=actor,
            email=body.email or "",
            first_name=body.first_name,
            last_name=body.last_name,
            nickname=body.nickname or "",
            secret_user_id=body.secret_user_id,
            language=body.language,
            tag=body.tag,
        )


def subject_delete(*, actor: User, subject_id: UUID, delete_answers: bool) -> None:
    """#41: soft-delete the subject, after its answers when asked; its account loses the
    respondent access and pending respondent invitations of that applet."""
    subject = live_subject(subject_id)
    if not roles_in(actor, subject.applet_id) & DELETERS:
        raise Forbidden(errors.APPLET_DENIED)
    with transaction.atomic():
        if delete_answers:
            Answer.objects.filter(
                Q(target_subject=subject) | Q(source_subject=subject) | Q(input_subject=subject)
            ).delete()
        Subject.objects.filter(pk=subject.pk).update(is_deleted=True)
        invited = Q(subject=subject)
        if subject.user_id is not None:
            UserAppletAccess.objects.filter(
                user_id=subject.user_id,
                applet_id=subject.applet_id,
                role=Role.RESPONDENT,
                is_deleted=False,
            ).update(is_deleted=True)
            invited |= Q(user_id=subject.user_id)
        if subject.email_hash:
            invited |= Q(email_hash=subject.email_hash)
        Invitation.objects.filter(
            invited,
            applet_id=subject.applet_id,
            role=Role.RESPONDENT,
            status=Invitation.Status.PENDING,
        ).delete()
