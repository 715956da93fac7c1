"""Accounts as the careers API sees them: a profile per user, Firebase identities provisioned
and linked safely, the user's name (spec careers.md §2, §4.3)."""

from django.db import IntegrityError, transaction

from core.models import User
from modules.careers.errors import EmailTaken
from modules.careers.firebase import Claims
from modules.careers.models import CareerProfile

NAME_MAX = CareerProfile._meta.get_field("name").max_length or 250


def _platform_name(user: User) -> str:
    return user.get_full_name()[:NAME_MAX]


def profile_ensure(*, user: User) -> CareerProfile:
    """The caller's profile, made on first use and named ``first_name last_name``: one account
    works across the platform, so a payments operator is a careers user too."""
    profile, _ = CareerProfile.objects.get_or_create(
        user=user, defaults={"name": _platform_name(user)}
    )
    return profile


def profile_rename(*, actor: User, name: str) -> CareerProfile:
    """``PUT user/``: the name stays until the provider's ``name`` claim changes."""
    profile = profile_ensure(user=actor)
    profile.name = name
    profile.save(update_fields=["name", "update_date"])
    return profile


def firebase_user_provision(*, claims: Claims) -> User:
    """The account behind a verified Firebase identity, kept in step with its claims.

    Found by uid; else an account with the claim's email is linked when the provider verified
    that email and the account has no uid yet (anything else would let one identity take over
    another's account: 409); else a new account (no usable password) and profile are made. An
    inactive account is returned untouched, for the caller to refuse.
    """
    try:
        with transaction.atomic():
            return _provision(claims)
    except IntegrityError:
        # Another request provisioned the same uid or took the email meanwhile: look again.
        with transaction.atomic():
            try:
                return _provision(claims)
            except IntegrityError:
                raise EmailTaken() from None


def _provision(claims: Claims) -> User:
    email = User.objects.normalize_email(claims.email)
    profile = CareerProfile.objects.select_related("user").filter(firebase_uid=claims.uid).first()
    if profile is None:
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            user = User.objects.create_user(email=email, password=None)
            profile = CareerProfile.objects.create(user=user, firebase_uid=claims.uid)
        elif not existing.is_active:
            return existing
        else:
            profile = _link(existing, claims)
    user = profile.user
    if not user.is_active:
        return user
    if email != user.email:
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise EmailTaken()
        user.email = email
        user.save(update_fields=["email"])
    if claims.name is not None and claims.name != profile.firebase_name_claim:
        profile.name = claims.name[:NAME_MAX]
        profile.firebase_name_claim = claims.name
        profile.save(update_fields=["name", "firebase_name_claim", "update_date"])
    user.careers_profile_pk = profile.pk  # type: ignore[attr-defined]
    return user


def _link(user: User, claims: Claims) -> CareerProfile:
    """Give an existing account the new uid, if the provider verified that the email is the
    identity's and the account has no other uid."""
    profile = CareerProfile.objects.filter(user=user).first()
    if not claims.email_verified or (profile is not None and profile.firebase_uid):
        raise EmailTaken()
    if profile is None:
        return CareerProfile.objects.create(
            user=user, name=_platform_name(user), firebase_uid=claims.uid
        )
    profile.firebase_uid = claims.uid
    profile.save(update_fields=["firebase_uid", "update_date"])
    profile.user = user
    return profile
