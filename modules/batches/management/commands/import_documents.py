"""Bulk-load a folder of contracts into an organization's store with the upload rules."""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ErrorCollector
from modules.batches.models import METADATA_FIELDS
from modules.batches.services.documents import clean_metadata, documents_import


class Command(BaseCommand):
    help = (
        "Import the documents of a folder under one ic01; files already stored there (same "
        "SHA-256) are skipped. Exits 1 when a file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--ic01", required=True)
        parser.add_argument("--organization", required=True, help="Group name.")
        parser.add_argument("--recursive", action="store_true")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="Metadata for every imported document, e.g. --set customer_name=ACME.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        organization = Group.objects.filter(name=options["organization"]).first()
        if organization is None:
            raise CommandError(f"Organization {options['organization']!r} does not exist.")
        raw: dict[str, str] = {"ic01": options["ic01"]}
        for assignment in options["set"]:
            field, sep, value = assignment.partition("=")
            field = field.strip()
            if not sep or field not in METADATA_FIELDS or field == "ic01":
                allowed = ", ".join(METADATA_FIELDS[1:])
                raise CommandError(f"--set {assignment!r}: use FIELD=VALUE with one of {allowed}.")
            raw[field] = value
        metadata = clean_metadata(raw)
        if metadata.errors:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in _by_field(metadata.errors)
            )
            raise CommandError(problems)
        report = documents_import(
            folder=folder,
            organization=organization,
            metadata=metadata.values,
            recursive=options["recursive"],
        )
        for label, reason in report.failures:
            self.stderr.write(f"failed {label}: {reason}")
        self.stdout.write(
            f"imported {report.imported}, skipped {report.skipped}, failed {len(report.failures)}"
        )
        if report.failures:
            raise SystemExit(1)


def _by_field(errors: ErrorCollector) -> list[tuple[str, list[str]]]:
    """Each field's messages, fields in the order their first problem was found."""
    grouped: dict[str, list[str]] = {}
    for error in errors.errors:
        grouped.setdefault(".".join(str(part) for part in error.path), []).append(error.message)
    return list(grouped.items())
