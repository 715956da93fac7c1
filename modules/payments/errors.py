"""Transitional (issue 10): the module's own error bodies."""

from core.errors import LegacyError

BODIES = {LegacyError: lambda error: error.legacy_body}
