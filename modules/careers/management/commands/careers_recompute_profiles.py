"""Recompute the language profile of every transcribed story, after a change of the lexicon."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from modules.careers.models import Media, MediaStatus
from modules.careers.profile import representational_system


class Command(BaseCommand):
    help = (
        "Recompute the representational system of every transcribed story (status 4) from its "
        "transcript; prints how many were checked and how many changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Stories read and written per batch."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        stories = (
            Media.objects.filter(status=MediaStatus.TRANSCRIBED)
            .only("pk", "transcript", "representational_system", "update_date")
            .order_by("pk")
        )
        checked = changed = 0
        pending: list[Media] = []
        for story in stories.iterator(chunk_size=batch_size):
            checked += 1
            profile = representational_system(story.transcript)
            if story.representational_system == profile:
                continue
            story.representational_system = profile
            story.update_date = timezone.now()
            pending.append(story)
            if len(pending) >= batch_size:
                changed += self._save(pending)
        changed += self._save(pending)
        self.stdout.write(f"Recomputed {checked} transcribed stories: {changed} changed.")

    @staticmethod
    def _save(stories: list[Media]) -> int:
        """Write a batch; only its profile and update date, so a status change meanwhile stays."""
        count = Media.objects.bulk_update(stories, ["representational_system", "update_date"])
        stories.clear()
        return count
