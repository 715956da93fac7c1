"""Answers (#42-#47), check-existence, the CSV export and the liveness probe (spec §13)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Status

from core.auth import AuthedRequest
from modules.assessments.api.common import errors, router
from modules.assessments.schemas.answers import (
    ActivityAnswerOut,
    ActivityAnswersQuery,
    ActivitySummaryOut,
    AnswerIn,
    AnswerReadOut,
    DatesOut,
    DatesQuery,
    ExistenceIn,
    ExistenceOut,
    ExportQuery,
    ExportResult,
    ReviewActivityOut,
    ReviewQuery,
    SummaryQuery,
)
from modules.assessments.schemas.common import NULL, rendered, result_of, results_of
from modules.assessments.selectors import answers as reads
from modules.assessments.services import answers

answers_router = router()
ANSWER_LIST = results_of(ActivityAnswerOut)
CSV_TYPE = "text/csv; charset=utf-8"
LIVENESS = "Liveness - OK!"
APPLET = "/answers/applet/{applet_id}"


@answers_router.post(
    "/answers",
    response={201: NULL, **errors(400, 403, 404)},
    summary="Submit an answer the client encrypted (respondents)",
    description="A missing `answer.tzOffset` is taken from `X-Timezone` (IANA) at `endTime`.",
)
def submit_answer(request: AuthedRequest, payload: AnswerIn) -> Status:
    answers.answer_submit(
        actor=request.auth, body=payload, timezone_name=request.headers.get("X-Timezone")
    )
    return Status(201, None)


@answers_router.get(
    APPLET + "/activities/{activity_id}/answers",
    response={200: ANSWER_LIST, **errors(403, 404)},
    summary="An activity's answers over every version, oldest first (data viewers)",
)
def list_activity_answers(
    request: AuthedRequest, applet_id: UUID, activity_id: UUID, query: Query[ActivityAnswersQuery]
) -> HttpResponse:
    found, total = reads.activity_answers(
        actor=request.auth,
        applet_id=applet_id,
        activity_id=activity_id,
        respondent_id=query.respondent_id,
        target_subject_id=query.target_subject_id,
        from_datetime=query.from_datetime,
        to_datetime=query.to_datetime,
        versions=query.versions,
        identifiers=query.identifiers,
        empty_identifiers=query.empty_identifiers,
    )
    return rendered(ANSWER_LIST, {"result": found, "count": total}, request)


@answers_router.get(
    APPLET + "/activities/{activity_id}/answers/{answer_id}",
    response={200: result_of(AnswerReadOut), **errors(403, 404)},
    summary="One answer with the activity as it was answered (data viewers)",
)
def get_answer(request: AuthedRequest, applet_id: UUID, activity_id: UUID, answer_id: UUID) -> dict:
    found = reads.answer_read(
        actor=request.auth, applet_id=applet_id, activity_id=activity_id, answer_id=answer_id
    )
    return {"result": found}


@answers_router.get(
    APPLET + "/summary/activities",
    response={200: results_of(ActivitySummaryOut), **errors(403, 404)},
    summary="Current activities and deleted ones answered, with their latest answer",
)
def list_answered_activities(
    request: AuthedRequest, applet_id: UUID, query: Query[SummaryQuery]
) -> dict:
    found, total = reads.activities_summary(
        actor=request.auth,
        applet_id=applet_id,
        target_subject_id=query.target_subject_id,
        respondent_id=query.respondent_id,
    )
    return {"result": found, "count": total}


@answers_router.get(
    APPLET + "/review/activities",
    response={200: results_of(ReviewActivityOut), **errors(403, 404)},
    summary="Each activity's answers about a subject on one UTC day",
)
def list_review_activities(
    request: AuthedRequest, applet_id: UUID, query: Query[ReviewQuery]
) -> dict:
    found, total = reads.review_activities(
        actor=request.auth,
        applet_id=applet_id,
        target_subject_id=query.target_subject_id,
        created_date=query.created_date,
    )
    return {"result": found, "count": total}


@answers_router.get(
    APPLET + "/dates",
    response={200: result_of(DatesOut), **errors(403, 404)},
    summary="The UTC days with answers about a subject",
)
def list_answer_dates(request: AuthedRequest, applet_id: UUID, query: Query[DatesQuery]) -> dict:
    found = reads.answer_dates(
        actor=request.auth,
        applet_id=applet_id,
        target_subject_id=query.target_subject_id,
        from_date=query.from_date,
        to_date=query.to_date,
    )
    return {"result": found}


@answers_router.get(
    APPLET + "/data",
    response={200: ExportResult, **errors(403, 404)},
    openapi_extra={
        "responses": {200: {"content": {"text/csv; charset=utf-8": {"schema": {"type": "string"}}}}}
    },
    summary="Export answers, newest first (exporters); `format=csv` streams every match",
    description=(
        "With `format=csv`: `text/csv; charset=utf-8`, attachment `applet-<id>-answers.csv`, a "
        "header then one row per answer (the JSON fields in order; `itemIds` and `client` as JSON "
        "text); cells starting with `=`, `+`, `-` or `@` get a leading `'`."
    ),
)
def export_answers(
    request: AuthedRequest, applet_id: UUID, query: Query[ExportQuery]
) -> HttpResponse | StreamingHttpResponse:
    wanted = reads.ExportFilter(
        respondent_ids=query.respondent_ids,
        target_subject_ids=query.target_subject_ids,
        from_date=query.from_date,
        to_date=query.to_date,
    )
    if query.format == "csv":
        lines = reads.export_csv(actor=request.auth, applet_id=applet_id, wanted=wanted)
        response = StreamingHttpResponse(lines, content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="applet-{applet_id}-answers.csv"'
        return response
    found = reads.export_page(
        actor=request.auth,
        applet_id=applet_id,
        wanted=wanted,
        page=query.page,
        limit=query.limit,
        activities_last_version=query.activities_last_version,
    )
    return rendered(ExportResult, found, request)


@answers_router.post(
    "/answers/check-existence",
    response={200: result_of(ExistenceOut), **errors(400, 403, 404)},
    summary="Whether an answer of the activity was created at that UTC millisecond",
)
def check_answer_existence(request: AuthedRequest, payload: ExistenceIn) -> dict:
    found = reads.answer_exists(
        actor=request.auth,
        applet_id=payload.applet_id,
        activity_id=payload.activity_id,
        created_at=payload.created_at,
        submit_id=payload.submit_id,
    )
    return {"result": found}


@answers_router.get(
    "/liveness",
    auth=None,
    response=errors(public=True),
    openapi_extra={
        "responses": {
            200: {
                "description": "OK",
                "content": {"text/plain": {"schema": {"type": "string", "example": LIVENESS}}},
            }
        }
    },
    summary="Liveness probe: `text/plain` `Liveness - OK!`",
)
def liveness(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LIVENESS, content_type="text/plain")
