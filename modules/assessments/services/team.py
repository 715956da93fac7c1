"""Taking team roles away (#20). An owner of every named applet removes manager and below; a
manager of every one removes coordinator, editor and reviewer; nobody removes their own."""

from uuid import UUID

from django.db import transaction
from django.db.models import Q

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden
from modules.assessments.models import Invitation, UserAppletAccess
from modules.assessments.pii import email_hash
from modules.assessments.roles import TEAM, Role
from modules.assessments.selectors.access import applet_get, roles_in

BELOW_OWNER = frozenset({Role.MANAGER, Role.COORDINATOR, Role.EDITOR, Role.REVIEWER})
BELOW_MANAGER = frozenset({Role.COORDINATOR, Role.EDITOR, Role.REVIEWER})


def access_remove(*, actor: User, user_id: UUID, applet_ids: list[UUID]) -> None:
    if user_id == actor.public_id:
        raise Forbidden(errors.REMOVE_OWN_ACCESS)
    applets = [applet_get(applet_id) for applet_id in dict.fromkeys(applet_ids)]
    held = [roles_in(actor, applet.pk) for applet in applets]
    if all(Role.OWNER in roles for roles in held):
        removable = BELOW_OWNER
    elif all(Role.MANAGER in roles for roles in held):
        removable = BELOW_MANAGER
    else:
        raise Forbidden(errors.APPLET_DENIED)
    user = User.objects.filter(public_id=user_id).first()
    unrelated = [
        str(applet.pk)
        for applet in applets
        if user is None or not roles_in(user, applet.pk) & removable
    ]
    if user is None or unrelated:
        raise Forbidden(errors.NOT_RELATED.format(ids=", ".join(unrelated)))
    with transaction.atomic():
        UserAppletAccess.objects.filter(
            user=user, applet__in=applets, role__in=sorted(removable), is_deleted=False
        ).update(is_deleted=True)
        for applet in applets:
            if not roles_in(user, applet.pk) & TEAM:
                Invitation.objects.filter(
                    applet=applet,
                    status=Invitation.Status.PENDING,
                    role__in=sorted(TEAM),
                ).filter(_invited(user)).delete()


def _invited(user: User) -> Q:
    """Invitations linked to the account, or sent to its address before it was linked."""
    return Q(user=user) | Q(email_hash=email_hash(user.email))
