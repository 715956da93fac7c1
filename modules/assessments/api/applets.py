"""Applets (#21-#29) and activities (#30-#31)."""

from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Status

from core.auth import AuthedRequest
from modules.assessments.api.common import errors, router
from modules.assessments.schemas.applets_in import AppletDuplicateIn, AppletUpdateIn
from modules.assessments.schemas.applets_out import (
    ActivityDetailOut,
    AppletActivitiesOut,
    AppletDetailResult,
    AppletOut,
    AppletTextOut,
)
from modules.assessments.schemas.common import (
    Encryption,
    EncryptionOut,
    PageQuery,
    rendered,
    result_of,
    results_of,
)
from modules.assessments.schemas.history import ChangesOut, SnapshotOut, VersionOut
from modules.assessments.selectors import applets as applet_reads
from modules.assessments.selectors import changes, history
from modules.assessments.selectors.paging import as_page
from modules.assessments.services import applets

applets_router = router()
APPLET_LIST = results_of(AppletTextOut)
activities_router = router()

LANGUAGE = "`Content-Language` (`en-US` → `en`) picks one text of each multi-language field."


@applets_router.get(
    "/applets",
    response={200: APPLET_LIST, **errors()},
    summary="Applets you hold one of `roles` in (csv; default: any), with encryption set",
    description=LANGUAGE,
)
def list_applets(
    request: AuthedRequest, query: Query[PageQuery], roles: str | None = None
) -> HttpResponse:
    found, total = applet_reads.applet_list(actor=request.auth, roles=roles, page=as_page(query))
    return rendered(APPLET_LIST, {"result": found, "count": total}, request)


@applets_router.get(
    "/applets/{applet_id}",
    response={200: AppletDetailResult, **errors(403, 404)},
    summary="An applet you hold any role in, with your own subject",
    description=LANGUAGE,
)
def get_applet(request: AuthedRequest, applet_id: UUID) -> dict:
    return applet_reads.applet_detail(actor=request.auth, applet_id=applet_id)


@applets_router.put(
    "/applets/{applet_id}",
    response={200: result_of(AppletOut), **errors(400, 403, 404)},
    summary="Update an applet: a new version, recorded whole (editors)",
)
def update_applet(request: AuthedRequest, applet_id: UUID, payload: AppletUpdateIn) -> dict:
    return {"result": applets.applet_update(actor=request.auth, applet_id=applet_id, body=payload)}


@applets_router.delete(
    "/applets/{applet_id}",
    response={204: None, **errors(403, 404)},
    summary="Delete an applet with its accesses and subjects (editors); history stays",
)
def delete_applet(request: AuthedRequest, applet_id: UUID) -> Status:
    applets.applet_delete(actor=request.auth, applet_id=applet_id)
    return Status(204, None)


@applets_router.get(
    "/applets/{applet_id}/versions",
    response={200: results_of(VersionOut), **errors(403, 404)},
    summary="Every version of the applet, newest first",
)
def list_applet_versions(request: AuthedRequest, applet_id: UUID) -> dict:
    found, total = history.applet_versions(actor=request.auth, applet_id=applet_id)
    return {"result": found, "count": total}


@applets_router.get(
    "/applets/{applet_id}/versions/{version}",
    response={200: result_of(SnapshotOut), **errors(403, 404)},
    summary="One recorded version, whole",
)
def get_applet_version(request: AuthedRequest, applet_id: UUID, version: str) -> dict:
    snapshot = history.applet_snapshot(actor=request.auth, applet_id=applet_id, version=version)
    return {"result": snapshot}


@applets_router.get(
    "/applets/{applet_id}/versions/{version}/changes",
    response={200: result_of(ChangesOut), **errors(403, 404)},
    summary="What a version changed against the one before it",
)
def get_applet_changes(request: AuthedRequest, applet_id: UUID, version: str) -> dict:
    found = changes.applet_changes(actor=request.auth, applet_id=applet_id, version=version)
    return {"result": found}


@applets_router.post(
    "/applets/{applet_id}/duplicate",
    response={201: result_of(AppletOut), **errors(400, 403, 404)},
    summary="Copy an applet in its workspace under new ids, at 1.1.0 (editors)",
)
def duplicate_applet(request: AuthedRequest, applet_id: UUID, payload: AppletDuplicateIn) -> Status:
    copy = applets.applet_duplicate(actor=request.auth, applet_id=applet_id, body=payload)
    return Status(201, {"result": copy})


@applets_router.post(
    "/applets/{applet_id}/encryption",
    response={200: result_of(EncryptionOut), **errors(400, 403, 404)},
    summary="Set the applet's encryption, once (editors); no new version",
)
def set_applet_encryption(request: AuthedRequest, applet_id: UUID, payload: Encryption) -> dict:
    found = applets.applet_set_encryption(actor=request.auth, applet_id=applet_id, body=payload)
    return {"result": found}


@activities_router.get(
    "/activities/applet/{applet_id}",
    response={200: result_of(AppletActivitiesOut), **errors(403, 404)},
    summary="Every activity of an applet with its items, and the applet",
    description=LANGUAGE,
)
def list_applet_activities(request: AuthedRequest, applet_id: UUID) -> dict:
    return {"result": applet_reads.applet_activities(actor=request.auth, applet_id=applet_id)}


@activities_router.get(
    "/activities/{activity_id}",
    response={200: result_of(ActivityDetailOut), **errors(403, 404)},
    summary="One activity with its items",
    description=LANGUAGE,
)
def get_activity(request: AuthedRequest, activity_id: UUID) -> dict:
    return {"result": applet_reads.activity_detail(actor=request.auth, activity_id=activity_id)}
