"""Sign-ups from the public site, and errors the mobile clients report."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from modules.careers.models.base import Stamped, Visit


class Prospect(Stamped):
    """Someone who left an address on the public site; one row per address, whatever its case."""

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=150)

    class Meta:
        ordering = ["-create_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="careers_prospect_email_ci_unique",
                violation_error_message="A prospect with that email already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ErrorLog(Stamped, Visit):
    errorcode = models.CharField(max_length=100, blank=True)
    errormessage = models.TextField(max_length=10_000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="careers_errors",
    )

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "client error"

    def __str__(self) -> str:
        return self.errorcode or f"error {self.pk}"
