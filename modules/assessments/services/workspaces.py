"""Workspaces are made on first use and follow their owner's name until renamed."""

from core.models import User
from modules.assessments.models import Workspace


def workspace_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.email


def workspace_ensure(user: User) -> Workspace:
    """The user's workspace, made now if this is its first use."""
    workspace, _ = Workspace.objects.get_or_create(
        owner=user, defaults={"name": workspace_name(user)}
    )
    return workspace


def workspace_follow_owner(user: User) -> None:
    """A workspace nobody renamed keeps the name of its owner."""
    Workspace.objects.filter(owner=user, is_modified=False).update(name=workspace_name(user))
