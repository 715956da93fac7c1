"""Unit-test settings: the production settings with in-process Huey and fast, isolated side effects."""

import os
import tempfile

# settings.py refuses to start without SECRET_KEY when DEBUG is off, and reads it on import, so
# the test key has to be in the environment before the import (there is no pytest-env here).
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")

from project.settings import *  # noqa: F403
from project.settings import HUEY

TESTING = True
# Tests enqueue into an in-memory queue and run tasks at once; the services run swaps in the real
# broker for the tests that start a consumer (tests/conftest.py: real_queue). The cache is the
# one settings.py chose: Redis in the services run, so throttling is tested on the real store
# (tests/conftest.py clears it around every test).
HUEY = {**HUEY, "immediate": True, "name": f"test-{os.getpid()}"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="platform-test-media-")
if STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):  # noqa: F405
    STORAGES["default"] = {**STORAGES["default"], "OPTIONS": {"location": MEDIA_ROOT}}  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Personal data at rest (spec assessments.md §3): tests run with DEBUG off, so they need a key.
ASSESSMENTS_ENCRYPTION_KEYS = ["otYlWUpg80_HRKnxzQflEQN2xwrWaY8WnNnljksqVoY="]
