"""Public catalog reads (spec careers.md §4.1): questions, professions, roles, type attributes
and the sweet-spot option lists. Lists are bare arrays with ``?limit=&offset=``."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from modules.careers import selectors
from modules.careers.api.common import LIST, MISSING, TAGS
from modules.careers.lists import page
from modules.careers.models import (
    OptionKind,
    Profession,
    Question,
    Role,
    SweetSpotOption,
    TypeAttribute,
)
from modules.careers.schemas import LIST_DOCS, CatalogItemOut, QuestionOut, TypeAttributeOut

router = Router(tags=TAGS, auth=None)


@router.get(
    "question/",
    response={200: list[QuestionOut], **LIST},
    summary="Active questions, by sort order",
    openapi_extra=LIST_DOCS,
)
def list_questions(request: HttpRequest, response: HttpResponse) -> list[Question]:
    return page(request, response, selectors.question_list())


@router.get(
    "question/{question_id}/",
    response={200: QuestionOut, **MISSING},
    summary="One active question",
)
def get_question(request: HttpRequest, question_id: int) -> Question:
    return selectors.question_get(question_id=question_id)


@router.get(
    "profession/",
    response={200: list[CatalogItemOut], **LIST},
    summary="Professions, by title",
    openapi_extra=LIST_DOCS,
)
def list_professions(request: HttpRequest, response: HttpResponse) -> list[Profession]:
    return page(request, response, selectors.profession_list())


@router.get(
    "profession/{profession_id}/",
    response={200: CatalogItemOut, **MISSING},
    summary="One profession",
)
def get_profession(request: HttpRequest, profession_id: int) -> Profession:
    return selectors.profession_get(profession_id=profession_id)


@router.get(
    "role/",
    response={200: list[CatalogItemOut], **LIST},
    summary="Roles, by title",
    openapi_extra=LIST_DOCS,
)
def list_roles(request: HttpRequest, response: HttpResponse) -> list[Role]:
    return page(request, response, selectors.role_list())


@router.get("role/{role_id}/", response={200: CatalogItemOut, **MISSING}, summary="One role")
def get_role(request: HttpRequest, role_id: int) -> Role:
    return selectors.role_get(role_id=role_id)


@router.get(
    "typeattributes/",
    response={200: list[TypeAttributeOut], **LIST},
    summary="Type attributes, by title",
    openapi_extra=LIST_DOCS,
)
def list_type_attributes(request: HttpRequest, response: HttpResponse) -> list[TypeAttribute]:
    return page(request, response, selectors.type_attribute_list())


@router.get(
    "typeattributes/{type_attribute_id}/",
    response={200: TypeAttributeOut, **MISSING},
    summary="One type attribute",
)
def get_type_attribute(request: HttpRequest, type_attribute_id: int) -> TypeAttribute:
    return selectors.type_attribute_get(type_attribute_id=type_attribute_id)


@router.get(
    "typeattributes/{type_attribute_id}/roles/",
    response={200: list[CatalogItemOut], **LIST, **MISSING},
    summary="The roles that have a type attribute, by title",
    openapi_extra=LIST_DOCS,
)
def list_type_attribute_roles(
    request: HttpRequest, response: HttpResponse, type_attribute_id: int
) -> list[Role]:
    attribute = selectors.type_attribute_get(type_attribute_id=type_attribute_id)
    return page(request, response, selectors.type_attribute_role_list(type_attribute=attribute))


def _options(request: HttpRequest, response: HttpResponse, kind: str) -> list[SweetSpotOption]:
    return page(request, response, selectors.option_list(kind=kind))


OPTIONS: dict[str, Any] = {
    "response": {200: list[CatalogItemOut], **LIST},
    "openapi_extra": LIST_DOCS,
}


@router.get("agpoll/sweetspotvalues/", summary="Active sweet-spot values", **OPTIONS)
def list_sweetspot_values(request: HttpRequest, response: HttpResponse) -> list[SweetSpotOption]:
    return _options(request, response, OptionKind.VALUE)


@router.get("agpoll/sweetspotstrengths/", summary="Active sweet-spot strengths", **OPTIONS)
def list_sweetspot_strengths(request: HttpRequest, response: HttpResponse) -> list[SweetSpotOption]:
    return _options(request, response, OptionKind.STRENGTH)


@router.get("agpoll/sweetspotimpacts/", summary="Active sweet-spot impacts", **OPTIONS)
def list_sweetspot_impacts(request: HttpRequest, response: HttpResponse) -> list[SweetSpotOption]:
    return _options(request, response, OptionKind.IMPACT)


@router.get(
    "agpoll/sweetspotconfidences/",
    summary="Active confidence answers (Strongly disagree … Strongly agree)",
    **OPTIONS,
)
def list_sweetspot_confidences(
    request: HttpRequest, response: HttpResponse
) -> list[SweetSpotOption]:
    return _options(request, response, OptionKind.CONFIDENCE)
