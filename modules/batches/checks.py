"""System checks: the OpenAI-compatible engine cannot run without an endpoint and a model."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error


def check_engine_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    engine = settings.BATCH_ENGINE
    if engine not in ("local", "openai"):
        return [
            Error(
                f"BATCH_ENGINE must be 'local' or 'openai', not {engine!r}.",
                id="batches.E001",
            )
        ]
    if engine != "openai":
        return []
    missing = [
        name for name in ("BATCH_LLM_BASE_URL", "BATCH_LLM_MODEL") if not getattr(settings, name)
    ]
    return [
        Error(f"{name} must be set when BATCH_ENGINE is 'openai'.", id="batches.E002")
        for name in missing
    ]
