"""The careers side of an account: a public id (``xref``) and the Firebase identity behind it."""

import uuid

from django.conf import settings
from django.db import models

from modules.careers.models.base import Stamped


class CareerProfile(Stamped):
    """One per user; Firebase users are found by ``firebase_uid``, platform users by ``user``.

    ``firebase_name_claim`` is the last ``name`` claim seen, so the provider's name replaces the
    profile name only when the provider changes it, not on every request (spec §2).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_profile"
    )
    name = models.CharField(max_length=250, blank=True)
    xref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firebase_uid = models.CharField(max_length=128, unique=True, null=True, blank=True)
    firebase_name_claim = models.TextField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = "career profile"
        constraints = [
            # An empty uid would be one identity shared by every account that got it.
            models.CheckConstraint(
                condition=~models.Q(firebase_uid=""), name="careers_profile_uid_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.xref)
