"""The real path for taskboard: emails through Redis, a run_huey worker and SMTP; images on S3."""

import json
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core import jobs
from core.mail.services import OUTBOX_QUEUE
from core.models import OutboxEmail
from modules.taskboard.models import Upload
from tests.conftest import bearer, make_user
from tests.core.test_s3_services import s3  # noqa: F401 (fixture)
from tests.support import wait_for
from tests.taskboard.test_upload import image_bytes

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_task_email_reaches_smtp_through_a_worker_after_smtp_comes_back(huey_worker, smtp_sink):
    peter = make_user(username="peter", email="peter@example.com")
    mary = make_user(username="mary", email="mary@example.com")
    huey_worker(EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}")

    response = Client().post(
        "/api/tasks/",
        json.dumps({"name": "NY", "specification": "Venom", "performer": mary.pk}),
        content_type="application/json",
        **bearer(peter),
    )

    assert response.status_code == 201
    email = OutboxEmail.objects.get()
    assert (email.max_retries, email.retry_delay) == (3, 300)
    wait_for(lambda: OutboxEmail.objects.get().attempts >= 1)
    # SMTP was down: the row waits for its next attempt instead of failing.
    assert OutboxEmail.objects.get().status in ("queued", "sending")
    smtp_sink.start()
    # Skip the five-minute wait: make the retry due now and wake the worker as the sweep would.
    OutboxEmail.objects.update(next_attempt_at=email.created_at)
    jobs.enqueue(OUTBOX_QUEUE, email.pk)
    wait_for(lambda: OutboxEmail.objects.get().status == "sent", timeout=30)
    [message] = smtp_sink.messages
    assert message["Subject"] == "A new task has been created"
    assert message["To"] == "peter@example.com, mary@example.com"
    assert message.get_payload().replace("\r\n", "\n") == (
        "Task name: NY\nSpecification: Venom\nDue date: None\n"
        "Creator: peter\nPerformer: mary\nStatus: New\n"
    )


@pytest.mark.django_db
def test_upload_on_s3_answers_a_presigned_link(s3):  # noqa: F811
    peter = make_user(username="peter")
    content = image_bytes("PNG")
    file = SimpleUploadedFile("p.png", content, content_type="image/png")

    response = Client().post("/api/upload/", {"image_file": file}, **bearer(peter))

    assert response.status_code == 201
    url = response.json()["image_url"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    record = Upload.objects.get()
    assert record.file.name.startswith(f"taskboard/{peter.public_id}/")
    with urllib.request.urlopen(url, timeout=10) as served:
        assert served.read() == content
        assert served.headers["Content-Type"] == "image/png"
