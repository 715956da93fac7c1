"""Who may use the module: operators see everything, suppliers their own, anyone else nothing."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from core.auth import JWTBearer
from core.errors import PermissionDenied
from core.models import User

ROLE_REQUIRED = "Only suppliers or operators can make requests."


@dataclass(frozen=True, slots=True)
class Role:
    is_operator: bool
    supplier_id: int | None


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
        role = Role(is_operator=operator_id is not None, supplier_id=supplier_id)
        user._payments_role = role  # type: ignore[attr-defined]
    if not role.is_operator and role.supplier_id is None:
        raise PermissionDenied(ROLE_REQUIRED)
    return role


class PaymentsBearer(JWTBearer):
    """Core's bearer token, then the role: a user without one gets 403 before any lookup or body
    validation, the order the legacy permission class answered in."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user is not None:
            role_of(user)
        return user
