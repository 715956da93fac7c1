"""Demo data for FilesTalk: the ``demo`` organization, cuid ABCD1234, an API key, sample contracts."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import User
from modules.batches.models import ApiKey, BatchProfile, Document
from modules.batches.services.documents import document_store, index_content
from modules.batches.services.keys import PREFIX_LENGTH, api_key_create, hash_key

DEMO_ORGANIZATION = "demo"
DEMO_CUID = "ABCD1234"
DEMO_EMAIL = "abcd1234@example.com"
SAMPLES = Path(__file__).resolve().parent / "demo_documents"

# Metadata of the bundled samples, by file name.
SAMPLE_METADATA: dict[str, dict[str, Any]] = {
    "master_services_agreement_acme.txt": {
        "contract_number": "C-1001", "amendment_number": "0", "customer_name": "ACME",
        "document_label": "Legal", "sales_country": "FR", "sales_region": "EMEA",
        "sales_cluster": "West", "status": "SGDG", "contract_type": "CPSE",
        "document_date": date(2024, 3, 1),
    },
    "data_processing_addendum_acme.md": {
        "contract_number": "C-1001", "amendment_number": "1", "customer_name": "ACME",
        "document_label": "Privacy", "sales_country": "FR", "sales_region": "EMEA",
        "sales_cluster": "West", "status": "SGDG", "contract_type": "DPA",
        "document_date": date(2024, 3, 15),
    },
    "service_level_agreement_acme.html": {
        "contract_number": "C-1001", "amendment_number": "0", "customer_name": "ACME",
        "document_label": "Technical", "sales_country": "FR", "sales_region": "EMEA",
        "sales_cluster": "West", "status": "PEND", "contract_type": "CPSE",
        "document_date": None,
    },
    "supply_contract_globex.txt": {
        "contract_number": "C-2001", "amendment_number": "0", "customer_name": "Globex",
        "document_label": "Legal", "sales_country": "DE", "sales_region": "EMEA",
        "sales_cluster": "Central", "status": "SGDG", "contract_type": "SUPPLY",
        "document_date": date(2024, 1, 15),
    },
    "maintenance_agreement_globex.md": {
        "contract_number": "C-2002", "amendment_number": "0", "customer_name": "Globex",
        "document_label": "Technical", "sales_country": "DE", "sales_region": "EMEA",
        "sales_cluster": "Central", "status": "SGDG", "contract_type": "MAINT",
        "document_date": date(2024, 5, 2),
    },
}  # fmt: skip


def seed(*, stdout: Any) -> None:
    """Create what is missing; a demo account whose cuid was changed gets ABCD1234 back, and a
    cuid held by another account stops the seed with a CommandError naming that account."""
    user = User.objects.filter(email__iexact=DEMO_EMAIL).first()
    holder = BatchProfile.objects.select_related("user").filter(cuid=DEMO_CUID).first()
    if holder is not None and (user is None or holder.user_id != user.pk):
        owner = holder.user.email or f"user #{holder.user_id}"
        raise CommandError(
            f"batches: cuid {DEMO_CUID} belongs to {owner}, not to the demo account "
            f"{DEMO_EMAIL}. Give {owner} another cuid (admin, Batch profiles) and run "
            f"seed_demo again."
        )
    organization, _ = Group.objects.get_or_create(name=DEMO_ORGANIZATION)
    if user is None:
        user = User.objects.create_user(email=DEMO_EMAIL, password=None)
    user.groups.add(organization)
    _seed_profile(user, stdout)
    _seed_key(organization, stdout)
    imported = _seed_documents(organization)
    stdout.write(
        f"batches: cuid {DEMO_CUID} ({DEMO_EMAIL}) in group '{DEMO_ORGANIZATION}', "
        f"{imported} sample document(s) imported"
    )


def _seed_profile(user: User, stdout: Any) -> None:
    """The demo account answers to ABCD1234, as the README's requests expect."""
    profile = BatchProfile.objects.filter(user=user).first()
    if profile is None:
        BatchProfile.objects.create(user=user, cuid=DEMO_CUID)
    elif profile.cuid != DEMO_CUID:
        previous = profile.cuid
        profile.cuid = DEMO_CUID
        profile.save(update_fields=["cuid"])
        stdout.write(f"batches: {DEMO_EMAIL} had cuid {previous}; it is {DEMO_CUID} again")


def _seed_key(organization: Group, stdout: Any) -> None:
    """``DEMO_API_KEY`` is made valid when set; otherwise a key is minted only if none is valid."""
    clear = settings.DEMO_API_KEY
    now = timezone.now()
    lifetime = timedelta(days=settings.BATCH_API_KEY_DAYS)
    if clear:
        existing = ApiKey.objects.filter(prefix=clear[:PREFIX_LENGTH]).first()
        if existing is None:
            api_key_create(organization=organization, name="demo", key=clear)
        else:
            existing.organization = organization
            existing.key_hash = hash_key(clear)
            existing.revoked_at = None
            if existing.expires_at <= now:
                existing.expires_at = now + lifetime
            existing.save()
        stdout.write(f"batch api key: {clear}")
        return
    valid = ApiKey.objects.filter(
        organization=organization, revoked_at__isnull=True, expires_at__gt=now
    )
    if valid.exists():
        return
    _, key = api_key_create(organization=organization, name="demo")
    stdout.write(f"batch api key: {key}")


def _seed_documents(organization: Group) -> int:
    imported = 0
    for folder in sorted(path for path in SAMPLES.iterdir() if path.is_dir()):
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            indexed = index_content(path.name, path.read_bytes())
            if Document.objects.filter(
                organization=organization, ic01=folder.name, sha256=indexed.sha256
            ).exists():
                continue
            metadata = {"ic01": folder.name, **SAMPLE_METADATA.get(path.name, {})}
            document_store(
                organization=organization, uploaded_by=None, indexed=indexed, metadata=metadata
            )
            imported += 1
    return imported
