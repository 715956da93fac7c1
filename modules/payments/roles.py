"""Who may use the module: operators see everything, suppliers their own, anyone else nothing."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest

from core.auth import JWTBearer
from core.errors import PermissionDenied
from core.models import User

ROLE_REQUIRED = "Only suppliers or operators can make requests."


@dataclass(frozen=True, slots=True)
class Role:
    is_operator: bool
    supplier_id: int | None

    @property
    def own_supplier_id(self) -> int:
        """The supplier a non-operator acts for, typed as present: ``role_of`` refuses a caller
        with neither role, so every role it returns to a non-operator has one."""
        assert self.supplier_id is not None
        return self.supplier_id


def role_of(user: User) -> Role:
    """The caller's role, read once (one query) and kept on the user object for the request.

    Operator wins over supplier. Users with neither row, staff and superusers included, are
    refused with 403.
    """
    role: Role | None = getattr(user, "_payments_role", None)
    if role is None:
        operator_id, supplier_id = User.objects.filter(pk=user.pk).values_list(
            "payments_operator__id", "payments_supplier__id"
        ).first() or (None, None)
        role = _remember(user, operator_id=operator_id, supplier_id=supplier_id)
    if not role.is_operator and role.supplier_id is None:
        raise PermissionDenied(ROLE_REQUIRED)
    return role


def _remember(user: User, *, operator_id: int | None, supplier_id: int | None) -> Role:
    role = Role(is_operator=operator_id is not None, supplier_id=supplier_id)
    user._payments_role = role  # type: ignore[attr-defined]
    return role


class PaymentsBearer(JWTBearer):
    """Core's bearer token, then the role: a user without one gets 403 before any lookup or body
    validation, the order the legacy permission class answered in. The role rides along in the
    user query, so authentication stays one query.

    Only the columns this module reads from the caller are loaded (it needs the primary key):
    every request pays for this query, and the other columns' conversions are a good part of it.
    """

    @cached_property
    def _users(self) -> QuerySet[User]:
        # Built once: each request only adds its filter to a copy (querysets clone on filter).
        return (
            super()
            .users()
            .only("id", "is_active")
            .annotate(
                payments_operator_pk=F("payments_operator__id"),
                payments_supplier_pk=F("payments_supplier__id"),
            )
        )

    def users(self) -> QuerySet[User]:
        return self._users

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user is not None:
            _remember(
                user,
                operator_id=getattr(user, "payments_operator_pk", None),
                supplier_id=getattr(user, "payments_supplier_pk", None),
            )
            role_of(user)
        return user
