"""Who is calling the careers API: a platform access token or, with ``FIREBASE_PROJECT_ID``, a
verified Firebase ID token (spec careers.md §2). Either way the caller has a careers profile."""

from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest

from core.auth import JWTBearer
from core.errors import AuthenticationFailed, DomainError, NotAuthenticated
from core.models import User
from modules.careers import firebase
from modules.careers.errors import INVALID_TOKEN
from modules.careers.services.accounts import firebase_user_provision, profile_ensure

CALLER_FIELDS = ("id", "email", "first_name", "last_name", "is_active", "is_staff")


class CareersBearer(JWTBearer):
    """``Authorization: Bearer <token>``: HS256 tokens are core's, RS256 tokens Firebase's.

    A refused token of either kind is one answer, ``Invalid or expired token.``; a Firebase
    token also meets a 503 when no certificate can be had, and a 409 when its email is another
    account's. The profile's id rides along in the user query, so a platform token still costs
    one query; the profile is made on the caller's first request.
    """

    @cached_property
    def _users(self) -> QuerySet[User]:
        # Only the columns the careers views read of the caller: every request pays for this
        # query, and converting the others (three datetimes, a uuid) was a good part of it.
        return (
            super()
            .users()
            .only(*CALLER_FIELDS)
            .annotate(careers_profile_pk=F("careers_profile__id"))
        )

    def users(self) -> QuerySet[User]:
        return self._users

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            request.auth_error = NotAuthenticated()  # type: ignore[attr-defined]
            return None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        user = None
        if scheme.lower() == "bearer" and token:
            user = self.authenticate(request, token)
        if user is None:
            request.auth_error = AuthenticationFailed(INVALID_TOKEN)  # type: ignore[attr-defined]
            return None
        if getattr(user, "careers_profile_pk", None) is None:
            user.careers_profile_pk = profile_ensure(user=user).pk  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not firebase.is_firebase_token(token):
            return super().authenticate(request, token)
        try:
            claims = firebase.verify(token)
        except firebase.InvalidToken:
            return None
        user = firebase_user_provision(claims=claims)
        if not user.is_active:
            return None
        request.user = user
        return user

    def optional(self, request: HttpRequest) -> User | None:
        """The caller when a valid token came with a public request, else None: a refused or
        absent token does not refuse the request."""
        try:
            user = self(request)
        except DomainError:
            return None
        return user if isinstance(user, User) else None


careers_bearer = CareersBearer()
