"""Invitations (#32-#38): inviters send them; the person they were sent to reads, accepts or
declines them by key."""

from uuid import UUID

from ninja import Query

from core.auth import AuthedRequest
from modules.assessments.api.common import errors, router
from modules.assessments.schemas.common import NULL, result_of, results_of
from modules.assessments.schemas.invitations import (
    InvitationOut,
    InvitationsQuery,
    ManagerInvitationOut,
    ManagerInviteIn,
    RespondentInvitationOut,
    RespondentInviteIn,
    ReviewerInvitationOut,
    ReviewerInviteIn,
)
from modules.assessments.selectors.paging import as_page
from modules.assessments.services import invitations

invitations_router = router()


@invitations_router.get(
    "/invitations",
    response={200: results_of(InvitationOut), **errors(403, 404)},
    summary="The pending invitations you sent (`appletId` needs an inviter role there)",
)
def list_invitations(request: AuthedRequest, query: Query[InvitationsQuery]) -> dict:
    found, total = invitations.invitation_list(
        actor=request.auth, applet_id=query.applet_id, role=query.role, page=as_page(query)
    )
    return {"result": found, "count": total}


@invitations_router.post(
    "/invitations/{applet_id}/respondent",
    response={200: result_of(RespondentInvitationOut), **errors(400, 403, 404)},
    summary="Invite a respondent: a limited subject now, an account when accepted",
)
def invite_respondent(request: AuthedRequest, applet_id: UUID, payload: RespondentInviteIn) -> dict:
    found = invitations.invite_respondent(actor=request.auth, applet_id=applet_id, body=payload)
    return {"result": found}


@invitations_router.post(
    "/invitations/{applet_id}/reviewer",
    response={200: result_of(ReviewerInvitationOut), **errors(400, 403, 404)},
    summary="Invite a reviewer of some of the applet's subjects",
)
def invite_reviewer(request: AuthedRequest, applet_id: UUID, payload: ReviewerInviteIn) -> dict:
    return {
        "result": invitations.invite_reviewer(actor=request.auth, applet_id=applet_id, body=payload)
    }


@invitations_router.post(
    "/invitations/{applet_id}/managers",
    response={200: result_of(ManagerInvitationOut), **errors(400, 403, 404)},
    summary="Invite a manager, coordinator or editor (owners and managers only)",
)
def invite_manager(request: AuthedRequest, applet_id: UUID, payload: ManagerInviteIn) -> dict:
    return {
        "result": invitations.invite_manager(actor=request.auth, applet_id=applet_id, body=payload)
    }


@invitations_router.get(
    "/invitations/{key}",
    response={200: result_of(InvitationOut), **errors(400, 404)},
    summary="A pending invitation sent to your email",
)
def get_invitation(request: AuthedRequest, key: UUID) -> dict:
    return {"result": invitations.invitation_detail(actor=request.auth, key=key)}


@invitations_router.post(
    "/invitations/{key}/accept",
    response={200: NULL, **errors(400, 404)},
    summary="Accept an invitation sent to your email",
)
def accept_invitation(request: AuthedRequest, key: UUID) -> None:
    invitations.invitation_accept(actor=request.auth, key=key)


@invitations_router.delete(
    "/invitations/{key}/decline",
    response={200: NULL, **errors(400, 404)},
    summary="Decline an invitation sent to your email",
)
def decline_invitation(request: AuthedRequest, key: UUID) -> None:
    invitations.invitation_decline(actor=request.auth, key=key)
