"""Every row has a uuid ``id`` and its times (spec §3); soft-deleted rows keep ``is_deleted``."""

import uuid

from django.db import models
from django.utils import timezone


class Row(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftRow(Row):
    """Deleted rows stay (history, answers and audits name them); uniques count live rows only."""

    is_deleted = models.BooleanField(default=False, db_index=True)

    class Meta:
        abstract = True


LIVE = models.Q(is_deleted=False)
