"""A second API for the renderer tests: MindLogger's ``{"result": [...]}`` envelope
(spec/assessments.md §1), mounted beside the main API as the assessments API is."""

from typing import Any

from django.http import HttpRequest
from django.urls import path
from ninja import Router, Schema

from core.auth import JWTBearer
from core.errors import (
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SchemaInvalid,
    ValidationFailed,
)
from core.parsers import ApiParser
from core.rendering import PlatformApi, Renderer, install_error_handlers
from project.urls import urlpatterns as project_urlpatterns

TYPES = {401: "UNDEFINED", 403: "ACCESS_DENIED", 404: "NOT_FOUND", 400: "BAD_REQUEST"}


class EnvelopeRenderer(Renderer):
    """Schema errors 422 ``UNDEFINED`` with the source in the path; field rules 422
    ``INVALID_VALUE``; everything else one entry typed by its status."""

    def status(self, error: DomainError) -> int:
        if isinstance(error, SchemaInvalid | ValidationFailed):
            return 422
        return error.status_code

    def body(self, error: DomainError) -> Any:
        if isinstance(error, SchemaInvalid):
            entries = [
                {"message": each["msg"], "type": "UNDEFINED", "path": list(each["loc"])}
                for each in error.errors
            ]
        elif isinstance(error, ValidationFailed):
            entries = [
                {"message": each.message, "type": "INVALID_VALUE", "path": ["body", *each.path]}
                for each in error.errors
            ]
        elif isinstance(error, NotAuthenticated) and error.code == "not_authenticated":
            return {"detail": "Not authenticated"}
        else:
            kind = TYPES.get(error.status_code, "UNDEFINED")
            entries = [{"message": error.message, "type": kind, "path": []}]
        return {"result": entries}


class RespondentIn(Schema):
    email: str
    age: int


router = Router()


@router.post("/respondents", auth=None)
def create_respondent(request: HttpRequest, payload: RespondentIn) -> dict[str, Any]:
    if payload.age < 18:
        raise ValidationFailed(field="age", message="Respondents are adults.")
    return {"result": {"email": payload.email}}


@router.get("/respondents/{int:respondent_id}", auth=None)
def get_respondent(request: HttpRequest, respondent_id: int) -> dict[str, Any]:
    raise NotFound(f"No such respondent with id={respondent_id}.")


@router.get("/secret", auth=None)
def get_secret(request: HttpRequest) -> dict[str, Any]:
    raise PermissionDenied("Access denied.")


@router.get("/broken", auth=None)
def get_broken(request: HttpRequest) -> dict[str, Any]:
    raise RuntimeError("the applet store is on fire")


@router.get("/me")
def get_me(request: HttpRequest) -> dict[str, Any]:
    return {"result": {"email": request.auth.email}}


api = PlatformApi(
    urls_namespace="envelope-test", docs_url=None, auth=JWTBearer(), parser=ApiParser()
)
install_error_handlers(api, EnvelopeRenderer())
api.add_router("", router)

urlpatterns = [*project_urlpatterns, path("api/second/", api.urls)]
