"""Production settings refuse to start without a secret key, and say how to run locally."""

import os
import subprocess
import sys

from tests.support import ROOT


def test_no_secret_key_without_debug_is_a_clear_refusal(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="project.settings", DATABASE_URL=f"sqlite:///{tmp_path}/db")
    finished = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert finished.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off. For local development set DEBUG=1" in (
        finished.stderr
    )
    env["DEBUG"] = "1"
    assert subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=ROOT, capture_output=True, timeout=30, check=False,
    ).returncode == 0  # fmt: skip
