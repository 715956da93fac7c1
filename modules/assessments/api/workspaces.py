"""Workspaces and their team (#13-#20); a workspace is named by its owner's id."""

from uuid import UUID

from ninja import Query, Status

from core.auth import AuthedRequest
from core.errors import SchemaInvalid
from modules.assessments.api.common import errors, router
from modules.assessments.schemas.applets_in import AppletCreateIn
from modules.assessments.schemas.applets_out import AppletOut
from modules.assessments.schemas.common import NULL, PageQuery, result_of, results_of
from modules.assessments.schemas.workspaces import (
    AccessRemoveIn,
    ManagerOut,
    RespondentOut,
    RespondentsQuery,
    RolesOut,
    RolesQuery,
    WorkspaceAppletOut,
    WorkspaceDetailOut,
    WorkspaceOut,
)
from modules.assessments.selectors import respondents, workspaces
from modules.assessments.selectors.paging import as_page
from modules.assessments.services import applets, team

workspaces_router = router()


@workspaces_router.get(
    "/workspaces",
    response={200: results_of(WorkspaceOut), **errors()},
    summary="Your workspace first, then those where you have a team role",
)
def list_workspaces(request: AuthedRequest) -> dict:
    found = workspaces.workspace_list(actor=request.auth)
    return {"result": found, "count": len(found)}


@workspaces_router.delete(
    "/workspaces/managers/removeAccess",
    response={200: NULL, **errors(400, 403, 404)},
    summary="Take a team member's roles away on some applets",
)
def remove_access(request: AuthedRequest, payload: AccessRemoveIn) -> None:
    team.access_remove(actor=request.auth, user_id=payload.user_id, applet_ids=payload.applet_ids)


@workspaces_router.get(
    "/workspaces/{owner_id}",
    response={200: result_of(WorkspaceDetailOut), **errors(403, 404)},
    summary="A workspace you are a member of",
)
def get_workspace(request: AuthedRequest, owner_id: UUID) -> dict:
    return {"result": workspaces.workspace_detail(actor=request.auth, owner_id=owner_id)}


@workspaces_router.get(
    "/workspaces/{owner_id}/applets",
    response={200: results_of(WorkspaceAppletOut), **errors(403, 404)},
    summary="The workspace's applets where you hold one of `roles` (csv; default: any)",
    description="`folderId` and `flatList` are accepted and ignored (no folders here).",
)
def list_workspace_applets(
    request: AuthedRequest, owner_id: UUID, query: Query[PageQuery], roles: str | None = None
) -> dict:
    found, total = workspaces.workspace_applets(
        actor=request.auth, owner_id=owner_id, roles=roles, page=as_page(query)
    )
    return {"result": found, "count": total}


@workspaces_router.post(
    "/workspaces/{owner_id}/applets",
    response={201: result_of(AppletOut), **errors(400, 403)},
    summary="Create an applet at version 1.1.0 (the owner, or an editor in the workspace)",
)
def create_applet(request: AuthedRequest, owner_id: UUID, payload: AppletCreateIn) -> Status:
    applet = applets.applet_create(actor=request.auth, owner_id=owner_id, body=payload)
    return Status(201, {"result": applet})


def _uuids(values: list[str] | None, name: str) -> list[UUID] | None:
    """Ids given repeated or comma-separated; a value that is not a uuid is a 422."""
    if values is None:
        return None
    found = []
    for index, value in enumerate(part for raw in values for part in raw.split(",") if part):
        try:
            found.append(UUID(value.strip()))
        except ValueError:
            raise SchemaInvalid(
                [
                    {
                        "type": "uuid_parsing",
                        "loc": ("query", name, index),
                        "msg": "Input should be a valid UUID",
                    }
                ]
            ) from None
    return found


@workspaces_router.get(
    "/workspaces/{owner_id}/roles",
    response={200: result_of(RolesOut), **errors(403, 404)},
    summary="Your roles on each applet of the workspace, highest first",
)
def get_workspace_roles(request: AuthedRequest, owner_id: UUID, query: Query[RolesQuery]) -> dict:
    ids = _uuids(query.applet_ids, "appletIds")
    return {
        "result": workspaces.workspace_roles(actor=request.auth, owner_id=owner_id, applet_ids=ids)
    }


@workspaces_router.get(
    "/workspaces/{owner_id}/managers",
    response={200: results_of(ManagerOut), **errors(403, 404)},
    summary="The workspace's team (the owner and organizers see it)",
)
def list_managers(request: AuthedRequest, owner_id: UUID, query: Query[PageQuery]) -> dict:
    found, total = workspaces.workspace_managers(
        actor=request.auth, owner_id=owner_id, page=as_page(query)
    )
    return {"result": found, "count": total}


@workspaces_router.get(
    "/workspaces/{owner_id}/applets/{applet_id}/respondents",
    response={200: results_of(RespondentOut), **errors(403, 404)},
    summary="An applet's respondents: accounts and limited subjects",
)
def list_respondents(
    request: AuthedRequest, owner_id: UUID, applet_id: UUID, query: Query[RespondentsQuery]
) -> dict:
    filters = respondents.RespondentFilters(
        role=query.role,
        shell=query.shell,
        user_id=query.user_id,
        respondent_secret_id=query.respondent_secret_id,
    )
    found, total = respondents.applet_respondents(
        actor=request.auth,
        owner_id=owner_id,
        applet_id=applet_id,
        filters=filters,
        page=as_page(query),
    )
    return {"result": found, "count": total}
