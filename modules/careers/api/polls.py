"""The caller's polls (spec careers.md §4.4): dream job and sweet spot, owner only."""

from typing import Any

from django.http import HttpResponse
from ninja import Router, Status

from core.auth import AuthedRequest
from core.pagination import rendered
from core.schemas import body_docs
from modules.careers import bodies, selectors
from modules.careers.api.common import AUTHED, BODY, LIST, MISSING, TAGS
from modules.careers.auth import careers_bearer
from modules.careers.lists import TOTAL_HEADER, bounds, page
from modules.careers.schemas import (
    LIST_DOCS,
    DreamJobIn,
    DreamJobOut,
    SweetSpotIn,
    SweetSpotOut,
    dreamjob_out,
    sweetspot_out,
)
from modules.careers.services import polls
from modules.careers.visits import visit_of

router = Router(tags=TAGS, auth=careers_bearer)

CREATE: dict[str, Any] = {
    "response": {201: DreamJobOut, **BODY, **AUTHED},
    "openapi_extra": body_docs(DreamJobIn),
}
UPDATE: dict[str, Any] = {
    "response": {200: DreamJobOut, **BODY, **MISSING, **AUTHED},
    "openapi_extra": body_docs(DreamJobIn),
}
SWEET_CREATE: dict[str, Any] = {
    "response": {201: SweetSpotOut, **BODY, **AUTHED},
    "openapi_extra": body_docs(SweetSpotIn),
}
SWEET_UPDATE: dict[str, Any] = {
    "response": {200: SweetSpotOut, **BODY, **MISSING, **AUTHED},
    "openapi_extra": body_docs(SweetSpotIn),
}


# Dream job


@router.get(
    "agpoll/dreamjob/",
    response={200: list[DreamJobOut], **LIST, **AUTHED},
    summary="The caller's dream-job polls, newest first",
    openapi_extra=LIST_DOCS,
)
def list_dreamjobs(request: AuthedRequest, response: HttpResponse) -> HttpResponse:
    limit, offset = bounds(request)
    rows, total = selectors.dreamjob_page(actor=request.auth, limit=limit, offset=offset)
    response[TOTAL_HEADER] = str(total)
    return rendered([_dreamjob_item(row) for row in rows], response)


_DREAMJOB_KEYS = tuple(DreamJobOut.model_fields)


def _dreamjob_item(row: tuple[Any, ...]) -> dict[str, Any]:
    """A list row (``selectors.dreamjob_page``, its columns in ``DreamJobOut``'s order) exactly
    as ``DreamJobOut`` dumps it: the page is written as it is (``core.pagination.rendered``),
    not validated again."""
    return dict(zip(_DREAMJOB_KEYS, row, strict=True))


@router.post("agpoll/dreamjob/", summary="Answer the dream-job poll", **CREATE)
def create_dreamjob(request: AuthedRequest) -> Status:
    return _create_dreamjob(request)


@router.put("agpoll/dreamjob/", summary="Answer the dream-job poll (same as POST)", **CREATE)
def put_dreamjob(request: AuthedRequest) -> Status:
    return _create_dreamjob(request)


def _create_dreamjob(request: AuthedRequest) -> Status:
    fields = bodies.dreamjob_fields(request)
    poll = polls.dreamjob_create(actor=request.auth, fields=fields, visit=visit_of(request))
    return Status(201, dreamjob_out(poll))


@router.get(
    "agpoll/dreamjob/{dreamjob_id}/",
    response={200: DreamJobOut, **MISSING, **AUTHED},
    summary="One of the caller's dream-job polls",
)
def get_dreamjob(request: AuthedRequest, dreamjob_id: int) -> dict[str, Any]:
    return dreamjob_out(selectors.dreamjob_get(actor=request.auth, dreamjob_id=dreamjob_id))


@router.put(
    "agpoll/dreamjob/{dreamjob_id}/",
    summary="Change a dream-job poll (absent fields stay)",
    **UPDATE,
)
def update_dreamjob(request: AuthedRequest, dreamjob_id: int) -> dict[str, Any]:
    poll = selectors.dreamjob_get(actor=request.auth, dreamjob_id=dreamjob_id)
    fields = bodies.dreamjob_fields(request)
    return dreamjob_out(
        polls.dreamjob_update(dreamjob=poll, fields=fields, visit=visit_of(request))
    )


# Sweet spot


@router.get(
    "agpoll/sweetspot/",
    response={200: list[SweetSpotOut], **LIST, **AUTHED},
    summary="The caller's sweet-spot polls, newest first",
    openapi_extra=LIST_DOCS,
)
def list_sweetspots(request: AuthedRequest, response: HttpResponse) -> list[dict[str, Any]]:
    return [
        sweetspot_out(poll)
        for poll in page(request, response, selectors.sweetspot_list(actor=request.auth))
    ]


@router.post("agpoll/sweetspot/", summary="Answer the sweet-spot poll", **SWEET_CREATE)
def create_sweetspot(request: AuthedRequest) -> Status:
    return _create_sweetspot(request)


@router.put(
    "agpoll/sweetspot/", summary="Answer the sweet-spot poll (same as POST)", **SWEET_CREATE
)
def put_sweetspot(request: AuthedRequest) -> Status:
    return _create_sweetspot(request)


def _create_sweetspot(request: AuthedRequest) -> Status:
    fields = bodies.sweetspot_fields(request, current=polls.sweetspot_slots(None))
    poll = polls.sweetspot_create(actor=request.auth, fields=fields, visit=visit_of(request))
    return Status(201, sweetspot_out(poll))


@router.get(
    "agpoll/sweetspot/{sweetspot_id}/",
    response={200: SweetSpotOut, **MISSING, **AUTHED},
    summary="One of the caller's sweet-spot polls",
)
def get_sweetspot(request: AuthedRequest, sweetspot_id: int) -> dict[str, Any]:
    return sweetspot_out(selectors.sweetspot_get(actor=request.auth, sweetspot_id=sweetspot_id))


@router.put(
    "agpoll/sweetspot/{sweetspot_id}/",
    summary="Change a sweet-spot poll (absent fields stay)",
    **SWEET_UPDATE,
)
def update_sweetspot(request: AuthedRequest, sweetspot_id: int) -> dict[str, Any]:
    return _update_sweetspot(request, sweetspot_id)


@router.post(
    "agpoll/sweetspot/{sweetspot_id}/",
    summary="Change a sweet-spot poll (same as PUT)",
    **SWEET_UPDATE,
)
def post_sweetspot_update(request: AuthedRequest, sweetspot_id: int) -> dict[str, Any]:
    return _update_sweetspot(request, sweetspot_id)


def _update_sweetspot(request: AuthedRequest, sweetspot_id: int) -> dict[str, Any]:
    poll = selectors.sweetspot_get(actor=request.auth, sweetspot_id=sweetspot_id)
    fields = bodies.sweetspot_fields(request, current=polls.sweetspot_slots(poll))
    return sweetspot_out(
        polls.sweetspot_update(sweetspot=poll, fields=fields, visit=visit_of(request))
    )
