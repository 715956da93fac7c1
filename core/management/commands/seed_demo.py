"""Demo data for every installed module; safe to run again (creates only what is missing)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import ensure_user


class Command(BaseCommand):
    help = "Create the demo accounts of core and of every installed module (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            if settings.DEBUG:
                ensure_user("admin@example.com", "admin", is_staff=True, is_superuser=True)
                self.stdout.write("admin: admin@example.com / admin")
            for config in apps.get_app_configs():
                if not config.name.startswith("modules."):
                    continue
                try:
                    demo = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                demo.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
