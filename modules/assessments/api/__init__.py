"""The assessments API's router (mounted by ``project/api.py`` on its own API instance)."""

from ninja import Router

from modules.assessments.api.accounts import auth_router, users_router
from modules.assessments.api.answers import answers_router
from modules.assessments.api.applets import activities_router, applets_router
from modules.assessments.api.invitations import invitations_router
from modules.assessments.api.subjects import subjects_router
from modules.assessments.api.workspaces import workspaces_router

router = Router(by_alias=True)
for part in (
    auth_router,
    users_router,
    workspaces_router,
    applets_router,
    activities_router,
    invitations_router,
    subjects_router,
    answers_router,
):
    router.add_router("", part)

__all__ = ["router"]
