"""Auth (#1-#4) and users (#5-#12)."""

from django.http import HttpRequest
from ninja import Status

from core.auth import AuthedRequest
from modules.assessments.api.common import THROTTLE, errors, router
from modules.assessments.auth import RefreshBearer, TokenRequest
from modules.assessments.schemas.accounts import (
    LoginIn,
    LoginOut,
    LogoutIn,
    PasswordChangeIn,
    RecoveryApproveIn,
    RecoveryIn,
    RefreshIn,
    TokenOut,
    UserCreateIn,
    UserUpdateIn,
)
from modules.assessments.schemas.common import NULL, Email, PublicUserOut, result_of
from modules.assessments.services import accounts, recovery

auth_router = router()
users_router = router()


@auth_router.post(
    "/auth/login",
    auth=None,
    throttle=THROTTLE,
    response={200: result_of(LoginOut), **errors(400, 401, 404, public=True, throttled=True)},
    summary="Log in: a token pair and the account",
)
def login(request: HttpRequest, payload: LoginIn) -> dict:
    return {
        "result": accounts.login(
            email=payload.email, password=payload.password, device_id=payload.device_id
        )
    }


@auth_router.post(
    "/auth/token/refresh",
    auth=None,
    response={200: result_of(TokenOut), **errors(400, 401, public=True)},
    summary="A new access token for a refresh token (which is not rotated)",
)
def refresh_token(request: HttpRequest, payload: RefreshIn) -> dict:
    return {"result": accounts.token_refresh(refresh_token=payload.refresh_token)}


@auth_router.post(
    "/auth/logout",
    response={200: None, **errors(400)},
    summary="Log out: the access token and its refresh token stop working on every API",
)
def logout(request: TokenRequest, payload: LogoutIn | None = None) -> None:
    device_id = payload.device_id if payload is not None else None
    accounts.logout(user=request.auth, access_token=request.token, device_id=device_id)


@auth_router.post(
    "/auth/logout2",
    auth=RefreshBearer(),
    response={200: None, **errors()},
    summary="Log out with the refresh token as bearer; issued access tokens live on",
)
def logout_refresh(request: TokenRequest) -> None:
    accounts.logout_refresh(refresh_token=request.token)


@users_router.post(
    "/users",
    auth=None,
    throttle=THROTTLE,
    response={201: result_of(PublicUserOut), **errors(400, public=True, throttled=True)},
    summary="Register an account (one account for every module) and its workspace",
)
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status:
    user = accounts.user_register(
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        password=payload.password,
    )
    return Status(201, {"result": user})


@users_router.get(
    "/users/me", response={200: result_of(PublicUserOut), **errors()}, summary="The account"
)
def get_me(request: AuthedRequest) -> dict:
    return {"result": request.auth}


@users_router.put(
    "/users/me",
    response={200: result_of(PublicUserOut), **errors(400)},
    summary="Rename the account",
)
def update_me(request: AuthedRequest, payload: UserUpdateIn) -> dict:
    user = accounts.user_update(
        user=request.auth, first_name=payload.first_name, last_name=payload.last_name
    )
    return {"result": user}


@users_router.delete(
    "/users/me",
    response={204: None, **errors()},
    summary="Deactivate the account (everywhere); its answers stay",
)
def delete_me(request: TokenRequest) -> Status:
    accounts.user_deactivate(user=request.auth, access_token=request.token)
    return Status(204, None)


@users_router.put(
    "/users/me/password",
    response={200: result_of(PublicUserOut), **errors(400)},
    summary="Change the password",
)
def change_password(request: AuthedRequest, payload: PasswordChangeIn) -> dict:
    user = accounts.password_change(
        user=request.auth, password=payload.password, prev_password=payload.prev_password
    )
    return {"result": user}


@users_router.post(
    "/users/me/password/recover",
    auth=None,
    throttle=THROTTLE,
    response={201: None, **errors(400, public=True, throttled=True)},
    summary="Mail a password recovery link (the answer is the same for unknown addresses)",
)
def recover_password(request: HttpRequest, payload: RecoveryIn) -> Status:
    admin = request.headers.get("Mindlogger-Content-Source", "").strip().lower() == "admin"
    recovery.recovery_request(email=payload.email, admin=admin)
    return Status(201, None)


@users_router.post(
    "/users/me/password/recover/approve",
    auth=None,
    throttle=THROTTLE,
    response={200: result_of(PublicUserOut), **errors(400, 404, public=True, throttled=True)},
    summary="Set a new password with a recovery key",
)
def approve_recovery(request: HttpRequest, payload: RecoveryApproveIn) -> dict:
    user = recovery.recovery_approve(
        email=payload.email, key=payload.key, password=payload.password
    )
    return {"result": user}


@users_router.get(
    "/users/me/password/recover/healthcheck",
    auth=None,
    response={200: NULL, **errors(404, public=True)},
    summary="Whether a recovery link still works",
)
def check_recovery(request: HttpRequest, email: Email, key: str) -> None:
    recovery.recovery_check(email=email, key=key)
