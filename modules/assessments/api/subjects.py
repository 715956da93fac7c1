"""Subjects (#39-#41): the people an applet is about, with or without an account."""

from uuid import UUID

from ninja import Status

from core.auth import AuthedRequest
from modules.assessments.api.common import errors, router
from modules.assessments.schemas.common import NULL, result_of
from modules.assessments.schemas.subjects import (
    SubjectCreateIn,
    SubjectDeleteIn,
    SubjectDetailOut,
    SubjectOut,
)
from modules.assessments.selectors import subjects as subject_reads
from modules.assessments.services import subjects

subjects_router = router()


@subjects_router.post(
    "/subjects",
    response={201: result_of(SubjectOut), **errors(400, 403, 404)},
    summary="Add a limited subject (no account) to an applet",
)
def create_subject(request: AuthedRequest, payload: SubjectCreateIn) -> Status:
    subject = subjects.subject_create(actor=request.auth, body=payload)
    return Status(
        201,
        {
            "result": {
                "id": subject.pk,
                "applet_id": subject.applet_id,
                "email": subject.email or None,
                "creator_id": request.auth.public_id,
                "user_id": None,
                "language": subject.language,
                "first_name": subject.first_name,
                "last_name": subject.last_name,
                "secret_user_id": subject.secret_user_id,
                "nickname": subject.nickname,
                "tag": subject.tag,
            }
        },
    )


@subjects_router.get(
    "/subjects/{subject_id}",
    response={200: result_of(SubjectDetailOut), **errors(403, 404)},
    summary="A subject: for inviters, a reviewer given it, and its own account",
)
def get_subject(request: AuthedRequest, subject_id: UUID) -> dict:
    return {"result": subject_reads.subject_detail(actor=request.auth, subject_id=subject_id)}


@subjects_router.delete(
    "/subjects/{subject_id}",
    response={200: NULL, **errors(400, 403, 404)},
    summary="Delete a subject (soft), with its answers when `deleteAnswers` is true",
)
def delete_subject(request: AuthedRequest, subject_id: UUID, payload: SubjectDeleteIn) -> None:
    subjects.subject_delete(
        actor=request.auth, subject_id=subject_id, delete_answers=payload.delete_answers
    )
