"""What every careers table shares: its legacy timestamps, and where a public write came from."""

from django.db import models


class Stamped(models.Model):
    """``create_date`` / ``update_date``, the legacy API's names for them (spec §3)."""

    create_date = models.DateTimeField(auto_now_add=True, db_index=True)
    update_date = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Visit(models.Model):
    """The client address and user agent of the request that wrote the row."""

    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True


class Status(models.IntegerChoices):
    """Whether a catalog row is offered to clients."""

    INACTIVE = 0, "Inactive"
    ACTIVE = 1, "Active"
