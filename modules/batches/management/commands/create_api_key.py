"""Staff mint FilesTalk API keys here (or in the admin); no HTTP endpoint can."""

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from modules.batches.services.keys import api_key_create


class Command(BaseCommand):
    help = "Create a batch API key for an organization (group, created if missing); prints the key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="Group name of the organization.")
        parser.add_argument("--days", type=int, default=None, help="Validity (BATCH_API_KEY_DAYS).")
        parser.add_argument("--name", default="", help="A label to recognise the key by.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["organization"].strip()
        if not name:
            raise CommandError("The organization name cannot be blank.")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        organization, created = Group.objects.get_or_create(name=name)
        if created:
            self.stderr.write(f"created organization {name}")
        api_key, key = api_key_create(
            organization=organization, name=options["name"], days=options["days"]
        )
        self.stderr.write(
            f"key {api_key.prefix}… for {name}, valid until {api_key.expires_at:%Y-%m-%d %H:%M} UTC"
        )
        self.stdout.write(key)
