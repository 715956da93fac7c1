"""FilesTalk fixtures: an organization with a cuid member and a key, documents made from text."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group

from core.models import User
from modules.batches.models import ApiKey, BatchProfile, Document
from modules.batches.services.documents import document_store, index_content
from modules.batches.services.keys import api_key_create
from tests.conftest import make_user


@pytest.fixture
def organization() -> Group:
    return Group.objects.create(name="demo")


@pytest.fixture
def member(organization: Group) -> User:
    user = make_user(email="abcd1234@example.com")
    user.groups.add(organization)
    BatchProfile.objects.create(user=user, cuid="ABCD1234")
    return user


@pytest.fixture
def staff() -> User:
    return make_user(email="staff@example.com", is_staff=True)


@pytest.fixture
def api_key(organization: Group) -> tuple[ApiKey, str]:
    return api_key_create(organization=organization, name="test")


@pytest.fixture
def make_document(organization: Group) -> Callable[..., Document]:
    def make(
        text: str = "The term of this agreement is thirty six months.",
        *,
        file_name: str = "contract.txt",
        organization: Group = organization,
        uploaded_by: User | None = None,
        **metadata: Any,
    ) -> Document:
        metadata.setdefault("ic01", "ic01_1")
        indexed = index_content(file_name, text.encode())
        return document_store(
            organization=organization, uploaded_by=uploaded_by, indexed=indexed, metadata=metadata
        )

    return make


@pytest.fixture
def wakeups(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Hold the worker back: wake-ups are recorded (None, or the eta of a delayed one)."""
    from modules.batches import tasks

    calls: list[Any] = []

    class Recorder:
        def __call__(self) -> None:
            calls.append(None)

        def schedule(self, *, eta: Any = None, **kwargs: Any) -> None:
            calls.append(eta)

    monkeypatch.setattr(tasks, "process_next_batch_job", Recorder())
    return calls


def batch_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cuid": "ABCD1234",
        "scope": {"ic01_list": ["ic01_1"]},
        "prompts": [{"name": "term", "value": "What is the term of the agreement?"}],
    }
    body.update(overrides)
    return body


def submit(client: Any, user: User, body: Any = None, **extra: Any) -> Any:
    from tests.conftest import bearer

    return client.post(
        "/api/batch",
        batch_body() if body is None else body,
        content_type="application/json",
        **bearer(user),
        **extra,
    )


@pytest.fixture
def work(django_capture_on_commit_callbacks: Any) -> Callable[..., str]:
    """One worker wake-up; what it queues on commit (emails, wake-ups) runs as after a commit."""
    from modules.batches.services.worker import batch_process_next

    def run(**kwargs: Any) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return batch_process_next(**kwargs)

    return run


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """The periodic sweep as Huey runs it, with its wake-ups sent on commit."""
    from core.tasks import sweep_jobs

    def run() -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_jobs.call_local()["batches"]

    return run


TERM = "The term of this agreement is thirty six months. Unrelated sentence about lunch."
FEES = "Fees are payable monthly. The invoice is due within forty five days."


@pytest.fixture
def three_documents(make_document):
    return [
        make_document(TERM, file_name="a.txt"),
        make_document(FEES, file_name="b.txt"),
        make_document(TERM + " " + FEES, file_name="c.txt"),
    ]
