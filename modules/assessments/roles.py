"""MindLogger's roles (spec §2): one per (user, applet, role), several per user, ranked."""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    COORDINATOR = "coordinator", "Coordinator"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer"
    RESPONDENT = "respondent", "Respondent"


# Highest first: "your highest role" and role lists are ordered by this.
RANKED: tuple[str, ...] = (
    Role.OWNER,
    Role.MANAGER,
    Role.COORDINATOR,
    Role.EDITOR,
    Role.REVIEWER,
    Role.RESPONDENT,
)
RANK = {role: len(RANKED) - index for index, role in enumerate(RANKED)}

EDITORS = frozenset({Role.OWNER, Role.MANAGER, Role.EDITOR})
INVITERS = frozenset({Role.OWNER, Role.MANAGER, Role.COORDINATOR})
ORGANIZERS = frozenset({Role.OWNER, Role.MANAGER})
TEAM = frozenset(RANKED) - {Role.RESPONDENT}
ALL = frozenset(RANKED)
# Who sees an applet's respondents (#19).
RESPONDENT_VIEWERS = frozenset({Role.OWNER, Role.MANAGER, Role.COORDINATOR, Role.REVIEWER})


def ranked(roles: "set[str] | frozenset[str] | list[str]") -> list[str]:
    """The roles, highest first, each once."""
    return sorted(set(roles), key=lambda role: -RANK.get(role, 0))


def highest(roles: "set[str] | frozenset[str] | list[str]") -> str | None:
    ordered = ranked(roles)
    return ordered[0] if ordered else None
