"""A small API with the project's error handlers, for field kinds no core endpoint declares."""

from typing import Literal

from django.http import HttpRequest
from django.urls import path
from ninja import Router, Schema

from project.api import PlatformApi
from project.api import api as project_api


class ChoiceIn(Schema):
    colour: Literal["red", "green"]
    count: int = 0


router = Router()


@router.post("/choice/", auth=None)
def post_choice(request: HttpRequest, payload: ChoiceIn) -> dict[str, str]:
    return {"colour": payload.colour}


api = PlatformApi(urls_namespace="validation-test")
for exception, handler in project_api._exception_handlers.items():
    api.add_exception_handler(exception, handler)
api.add_router("", router)

urlpatterns = [path("api/", api.urls)]
