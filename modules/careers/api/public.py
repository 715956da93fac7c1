"""Prospects (spec careers.md §4.5: public sign-up, staff reads) and the client error log
(§4.6)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from core.auth import AuthedRequest
from core.schemas import ErrorOut, body_docs
from modules.careers import bodies, selectors
from modules.careers.api.common import (
    AUTHED,
    BODY,
    ERRORLOG_THROTTLE,
    LIST,
    MISSING,
    PROSPECT_THROTTLE,
    TAGS,
    THROTTLED,
)
from modules.careers.auth import careers_bearer
from modules.careers.lists import page
from modules.careers.models import Prospect
from modules.careers.schemas import LIST_DOCS, ErrorLogIn, ErrorLogOut, ProspectIn, ProspectOut
from modules.careers.services import public
from modules.careers.visits import visit_of

router = Router(tags=TAGS, auth=careers_bearer)

STAFF = {403: ErrorOut}


@router.put(
    "prospect/",
    auth=None,
    throttle=PROSPECT_THROTTLE,
    response={200: ProspectOut, 201: ProspectOut, **BODY, **THROTTLED},
    summary="Sign up as a prospect (201 new; 200 a known email, whose name is updated)",
    openapi_extra=body_docs(ProspectIn),
)
def sign_up_prospect(request: HttpRequest) -> Status:
    name, email = bodies.prospect(request)
    prospect, created = public.prospect_sign_up(name=name, email=email)
    return Status(201 if created else 200, prospect)


@router.get(
    "prospect/",
    response={200: list[ProspectOut], **LIST, **STAFF, **AUTHED},
    summary="Prospects, newest first (staff)",
    openapi_extra=LIST_DOCS,
)
def list_prospects(request: AuthedRequest, response: HttpResponse) -> list[Prospect]:
    return page(request, response, selectors.prospect_list(actor=request.auth))


@router.get(
    "prospect/{key}/",
    response={200: ProspectOut, **MISSING, **STAFF, **AUTHED},
    summary="One prospect by id or email (staff)",
)
def get_prospect(request: AuthedRequest, key: str) -> Prospect:
    return selectors.prospect_get(actor=request.auth, key=key)


@router.delete(
    "prospect/{key}/",
    response={204: None, **MISSING, **STAFF, **AUTHED},
    summary="Delete a prospect by id or email (staff)",
)
def delete_prospect(request: AuthedRequest, key: str) -> Status:
    public.prospect_delete(prospect=selectors.prospect_get(actor=request.auth, key=key))
    return Status(204, None)


@router.post(
    "error/log/",
    auth=None,
    throttle=ERRORLOG_THROTTLE,
    response={201: ErrorLogOut, **BODY, **THROTTLED},
    summary="Report a client error (a valid bearer token, if sent, names the user)",
    openapi_extra=body_docs(ErrorLogIn),
)
def create_error_log(request: HttpRequest) -> Status:
    errorcode, errormessage = bodies.error_report(request)
    entry = public.error_log_create(
        errorcode=errorcode,
        errormessage=errormessage,
        user=careers_bearer.optional(request),
        visit=visit_of(request),
    )
    return Status(201, entry)


__all__: list[Any] = ["router"]
