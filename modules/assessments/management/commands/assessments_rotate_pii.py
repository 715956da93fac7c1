"""``manage.py assessments_rotate_pii``: after a new key is put first in
``ASSESSMENTS_ENCRYPTION_KEYS``, re-seal every subject's and invitation's personal data under it
(``MultiFernet.rotate``), in batches, so the old key can then be removed. Safe to run again and
to interrupt: every row is always readable with the keys configured."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from modules.assessments import pii
from modules.assessments.models import Invitation, Subject


class Command(BaseCommand):
    help = (
        "Re-encrypt subjects' and invitations' emails, names and nicknames under the first of "
        "ASSESSMENTS_ENCRYPTION_KEYS, and recompute their email hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            type=int,
            default=settings.ASSESSMENTS_PII_ROTATION_BATCH,
            help="rows per transaction (default: ASSESSMENTS_PII_ROTATION_BATCH)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        unreadable = 0
        for model in (Subject, Invitation):
            tally = pii.rotate_rows(model, batch=batch)
            unreadable += tally.unreadable
            self.stdout.write(
                f"{model._meta.label}: {tally.rows} rows, {tally.resealed} rewritten, "
                f"{tally.unreadable} values no configured key opens"
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} values open with none of ASSESSMENTS_ENCRYPTION_KEYS: keep the key "
                "they were sealed with in the list and run again"
            )
