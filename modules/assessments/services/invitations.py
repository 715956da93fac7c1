"""Invitations (#32-#38): an inviter offers a role in an applet to an email; the person with
that email reads, accepts or declines it.

Sending replaces the pending invitation for that email and applet (a new key), links the account
that already has the email, and writes the mail to the outbox in the same transaction, so a
refused request leaves no row and no mail behind (spec decision 10). Emails and names are sealed
at rest (pii.py): invitations are found by ``email_hash`` and by key, never by email.
"""

from dataclasses import replace
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import FieldError, ValidationFailed
from core.mail import queue_email
from core.models import User
from modules.assessments import errors
from modules.assessments.errors import BadRequest, Forbidden, Missing
from modules.assessments.models import Applet, Invitation, Subject, UserAppletAccess, Workspace
from modules.assessments.pii import email_hash
from modules.assessments.roles import INVITERS, ORGANIZERS, Role
from modules.assessments.schemas.invitations import (
    ManagerInviteIn,
    RespondentInviteIn,
    ReviewerInviteIn,
)
from modules.assessments.selectors.access import applet_for, roles_in
from modules.assessments.selectors.paging import Page, listing
from modules.assessments.selectors.respondents import invitation_item
from modules.assessments.selectors.subjects import name_matches
from modules.assessments.services.grants import TEAM_TAG, grant, grant_respondent
from modules.assessments.services.workspaces import workspace_ensure

LANGUAGES = ("en", "fr", "el")
ROLE_WORDS = {
    "en": {
        "respondent": "a respondent",
        "reviewer": "a reviewer",
        "editor": "an editor",
        "coordinator": "a coordinator",
        "manager": "a manager",
    },
    "fr": {
        "respondent": "répondant",
        "reviewer": "réviseur",
        "editor": "éditeur",
        "coordinator": "coordinateur",
        "manager": "gestionnaire",
    },
    "el": {
        "respondent": "ερωτώμενος",
        "reviewer": "αξιολογητής",
        "editor": "συντάκτης",
        "coordinator": "συντονιστής",
        "manager": "διαχειριστής",
    },
}
# Roles a manager already covers: accepting one of them changes nothing for a manager.
BELOW_MANAGER = frozenset({Role.COORDINATOR, Role.EDITOR, Role.REVIEWER})
ORDERING = {"createdAt": "created_at", "role": "role", "status": "status"}


def invalid(message: str, *path: str) -> ValidationFailed:
    """A 422 ``INVALID_VALUE`` at ``["body", *path]``."""
    return ValidationFailed([FieldError(path=tuple(path), message=message)])


def _inviter_applet(actor: User, applet_id: UUID) -> tuple[Applet, set[str]]:
    return applet_for(actor, applet_id, allowed=INVITERS, denied=errors.INVITES_DENIED)


def _account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, is_active=True).first()


def lock_applet(applet: Applet) -> None:
    """Invitations to one applet are sent one at a time: two racing sends to one address cannot
    both find no pending invitation."""
    Applet.objects.select_for_update().filter(pk=applet.pk).first()


def _replace_pending(applet: Applet, hashed: str) -> Invitation | None:
    pending = Invitation.objects.filter(
        applet=applet, email_hash=hashed, status=Invitation.Status.PENDING
    ).first()
    if pending is not None:
        pending.delete()
    return pending


def _mail(invitation: Invitation, applet: Applet, invitor: User) -> None:
    language = invitation.language if invitation.language in LANGUAGES else "en"
    kind = "existing" if invitation.user_id else "new"
    context = {
        "invitation": invitation,
        "applet_name": applet.display_name,
        "invitor": f"{invitor.first_name} {invitor.last_name}".strip() or invitor.email,
        "role": ROLE_WORDS[language].get(invitation.role, invitation.role),
        "link": f"{settings.ASSESSMENTS_INVITE_URL}?key={invitation.key}",
    }
    name = f"assessments/invitation_{kind}_{language}"
    queue_email(
        invitation.email,
        f"{applet.display_name} invitation",
        render_to_string(f"{name}.txt", context),
        render_to_string(f"{name}.html", context),
    )


def _rename_workspace(actor: User, prefix: str | None) -> None:
    """``workspacePrefix`` names the inviter's workspace once: only while it follows its owner."""
    if prefix and prefix.strip():
        workspace_ensure(actor)
        Workspace.objects.filter(owner=actor, is_modified=False).update(
            name=prefix.strip(), is_modified=True
        )


def _team_out(invitation: Invitation, applet: Applet, user: User | None) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "applet_id": applet.pk,
        "applet_name": applet.display_name,
        "role": invitation.role,
        "status": invitation.status,
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "key": invitation.key,
        "subjects": invitation.meta.get("subjects", []),
        "user_id": user.public_id if user else None,
        "tag": invitation.tag,
        "title": invitation.title,
    }


def invite_respondent(*, actor: User, applet_id: UUID, body: RespondentInviteIn) -> dict[str, Any]:
    """#32: a limited subject for the person (or the limited one already under that secret id
    and email), and a pending respondent invitation."""
    applet, _ = _inviter_applet(actor, applet_id)
    user = _account(body.email)
    hashed = email_hash(body.email)
    with transaction.atomic():
        lock_applet(applet)
        if user is not None and Role.RESPONDENT in roles_in(user, applet.pk):
            raise invalid(errors.RESPONDENT_ALREADY_INVITED)
        subject = Subject.objects.filter(
            applet=applet, secret_user_id=body.secret_user_id, is_deleted=False
        ).first()
        if subject is not None and (
            subject.user_id is not None or (subject.email_hash and subject.email_hash != hashed)
        ):
            raise invalid(errors.NON_UNIQUE_VALUE, "secretUserId")
        subject = subject or Subject(applet=applet, creator=actor)
        subject.secret_user_id = body.secret_user_id
        subject.email = body.email
        subject.first_name, subject.last_name = body.first_name, body.last_name
        subject.nickname = body.nickname or ""
        subject.tag = body.tag
        subject.language = body.language
        subject.save()
        _replace_pending(applet, hashed)
        invitation = Invitation.objects.create(
            applet=applet,
            email=body.email,
            role=Role.RESPONDENT,
            first_name=body.first_name,
            last_name=body.last_name,
            nickname=body.nickname or "",
            secret_user_id=body.secret_user_id,
            tag=body.tag,
            language=body.language,
            meta={"subjectId": str(subject.pk), "secretUserId": body.secret_user_id},
            invitor=actor,
            user=user,
            subject=subject,
        )
        _mail(invitation, applet, actor)
    return {
        "id": invitation.pk,
        "applet_id": applet.pk,
        "applet_name": applet.display_name,
        "key": invitation.key,
        "status": invitation.status,
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "user_id": user.public_id if user else None,
        "tag": invitation.tag,
        "secret_user_id": invitation.secret_user_id,
        "nickname": invitation.nickname,
        "role": invitation.role,
    }


def _invite_team(
    *,
    actor: User,
    applet: Applet,
    body: ReviewerInviteIn | ManagerInviteIn,
    role: str,
    meta: dict[str, Any],
    user: User | None,
) -> dict[str, Any]:
    _rename_workspace(actor, body.workspace_prefix)
    _replace_pending(applet, email_hash(body.email))
    invitation = Invitation.objects.create(
        applet=applet,
        email=body.email,
        role=role,
        first_name=body.first_name,
        last_name=body.last_name,
        tag=TEAM_TAG,
        title=body.title,
        language=body.language,
        meta=meta,
        invitor=actor,
        user=user,
    )
    _mail(invitation, applet, actor)
    return _team_out(invitation, applet, user)


def invite_reviewer(*, actor: User, applet_id: UUID, body: ReviewerInviteIn) -> dict[str, Any]:
    """#33: a reviewer reads only the subjects named here."""
    applet, _ = _inviter_applet(actor, applet_id)
    user = _account(body.email)
    with transaction.atomic():
        lock_applet(applet)
        if user is not None and Role.REVIEWER in roles_in(user, applet.pk):
            raise invalid(errors.USER_ALREADY_INVITED)
        wanted = list(dict.fromkeys(body.subjects))
        found = Subject.objects.filter(applet=applet, pk__in=wanted, is_deleted=False).count()
        if found != len(wanted):
            raise BadRequest(errors.SUBJECT_NOT_IN_APPLET)
        meta = {"subjects": [str(each) for each in wanted]}
        return _invite_team(
            actor=actor, applet=applet, body=body, role=Role.REVIEWER, meta=meta, user=user
        )


def invite_manager(*, actor: User, applet_id: UUID, body: ManagerInviteIn) -> dict[str, Any]:
    """#34: a manager, coordinator or editor; only organizers send these."""
    applet, roles = _inviter_applet(actor, applet_id)
    if not roles & ORGANIZERS:
        raise Forbidden(errors.SEND_INVITATION_DENIED)
    user = _account(body.email)
    with transaction.atomic():
        lock_applet(applet)
        if user is not None and body.role in roles_in(user, applet.pk):
            raise invalid(errors.USER_ALREADY_INVITED)
        found = _invite_team(
            actor=actor, applet=applet, body=body, role=body.role, meta={}, user=user
        )
    found.pop("subjects")
    return found


def _searched(invitations: QuerySet[Invitation], text: str | None) -> QuerySet[Invitation]:
    text = (text or "").strip()
    if not text:
        return invitations
    named = name_matches(invitations, text, ("email", "first_name", "last_name", "nickname"))
    return invitations.filter(Q(pk__in=named) | Q(secret_user_id__icontains=text))


def invitation_list(
    *, actor: User, applet_id: UUID | None, role: str | None, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """#35: the pending invitations the caller sent, in live applets."""
    invitations = Invitation.objects.filter(
        invitor=actor, status=Invitation.Status.PENDING, applet__is_deleted=False
    ).select_related("applet")
    if applet_id is not None:
        applet, _ = _inviter_applet(actor, applet_id)
        invitations = invitations.filter(applet=applet)
    if role:
        invitations = invitations.filter(role=role)
    found, total = listing(
        _searched(invitations, page.search),
        replace(page, search=None),
        search=[],
        ordering=ORDERING,
        default=["-created_at"],
    )
    return [invitation_item(each) for each in found], total


def _mine(actor: User, key: UUID, *, lock: bool = False) -> Invitation:
    """The invitation with ``key`` sent to the caller's email, still pending."""
    invitations = Invitation.objects.select_related("applet")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(
        key=key, email_hash=email_hash(actor.email), applet__is_deleted=False
    ).first()
    if invitation is None:
        raise Missing(errors.INVITATION_NOT_FOUND)
    if invitation.status != Invitation.Status.PENDING:
        raise BadRequest(errors.INVITATION_PROCESSED)
    return invitation


def invitation_detail(*, actor: User, key: UUID) -> dict[str, Any]:
    """#36."""
    return invitation_item(_mine(actor, key))


def _accept_respondent(invitation: Invitation, user: User) -> None:
    """The invitation's subject takes the account, unless the account already has a live subject
    in the applet: that one wins and the invitation's is retired."""
    applet = invitation.applet
    own = Subject.objects.filter(applet=applet, user=user, is_deleted=False).first()
    offered = invitation.subject
    if own is not None:
        if offered is not None and offered.pk != own.pk:
            offered.is_deleted = True
            offered.save(update_fields=["is_deleted", "updated_at"])
        subject = own
    elif offered is not None and not offered.is_deleted:
        subject = offered
        subject.user = user
        subject.email = user.email
        subject.save(update_fields=["user", "email", "email_hash", "updated_at"])
    else:
        subject = Subject.objects.create(
            applet=applet,
            user=user,
            creator=invitation.invitor,
            email=user.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            nickname=invitation.nickname,
            secret_user_id=invitation.secret_user_id or str(invitation.key),
            tag=invitation.tag,
            language=invitation.language,
        )
    meta = {"subjectId": str(subject.pk), "secretUserId": subject.secret_user_id}
    access = UserAppletAccess.objects.filter(
        user=user, applet=applet, role=Role.RESPONDENT, is_deleted=False
    ).first()
    if access is None:
        grant(applet, user, Role.RESPONDENT, invitor=invitation.invitor or user, meta=meta)
    else:
        access.meta = meta
        access.save(update_fields=["meta", "updated_at"])


def _accept_team(invitation: Invitation, user: User) -> None:
    applet, role = invitation.applet, invitation.role
    held = roles_in(user, applet.pk)
    invitor = invitation.invitor or user
    covered = role in held or (bool(held & ORGANIZERS) and role in BELOW_MANAGER)
    if not covered:
        if role == Role.MANAGER:
            UserAppletAccess.objects.filter(
                user=user, applet=applet, role__in=sorted(BELOW_MANAGER), is_deleted=False
            ).update(is_deleted=True)
        meta = {"subjects": invitation.meta.get("subjects", [])} if role == Role.REVIEWER else {}
        grant(applet, user, role, invitor=invitor, meta=meta)
        if invitation.title:
            UserAppletAccess.objects.filter(
                user=user, applet=applet, role=role, is_deleted=False
            ).update(title=invitation.title)
    if Role.RESPONDENT in held:
        return
    own = Subject.objects.filter(applet=applet, user=user, is_deleted=False).first()
    if own is None:
        grant_respondent(applet, user, invitor=invitor)
    else:
        meta = {"subjectId": str(own.pk), "secretUserId": own.secret_user_id}
        grant(applet, user, Role.RESPONDENT, invitor=invitor, meta=meta)


def invitation_accept(*, actor: User, key: UUID) -> None:
    """#37: the role is the caller's (or is already covered by one it holds)."""
    with transaction.atomic():
        invitation = _mine(actor, key, lock=True)
        if invitation.role == Role.RESPONDENT:
            _accept_respondent(invitation, actor)
        else:
            _accept_team(invitation, actor)
        invitation.status = Invitation.Status.APPROVED
        invitation.user = actor
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "user", "accepted_at", "updated_at"])


def invitation_decline(*, actor: User, key: UUID) -> None:
    """#38."""
    with transaction.atomic():
        invitation = _mine(actor, key, lock=True)
        invitation.status = Invitation.Status.DECLINED
        invitation.user = actor
        invitation.save(update_fields=["status", "user", "updated_at"])
