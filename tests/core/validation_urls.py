"""A small API with the main API's renderer, for field kinds no core endpoint declares."""

from typing import Literal

from django.http import HttpRequest
from django.urls import path
from ninja import Router, Schema

from core.rendering import DrfRenderer, PlatformApi, install_error_handlers


class ChoiceIn(Schema):
    colour: Literal["red", "green"]
    count: int = 0


router = Router()


@router.post("/choice/", auth=None)
def post_choice(request: HttpRequest, payload: ChoiceIn) -> dict[str, str]:
    return {"colour": payload.colour}


api = PlatformApi(urls_namespace="validation-test")
install_error_handlers(api, DrfRenderer())
api.add_router("", router)

urlpatterns = [path("api/", api.urls)]
