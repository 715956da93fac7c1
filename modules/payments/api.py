"""The Codevance endpoints: each view reads its input, calls one selector or service, answers."""

from typing import Any, TypedDict

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from core.auth import AuthedRequest
from core.body import PrimaryKey, read_body
from core.pagination import PageNumberPagination
from core.schemas import ErrorOut, ValidationErrorOut, body_docs
from modules.payments import selectors, services
from modules.payments.models import Anticipation, Payment, RequestLog
from modules.payments.roles import PaymentsBearer, role_of
from modules.payments.schemas import (
    DECISION_FIELD,
    DUE_DATE_FIELD,
    VALUE_FIELD,
    AnticipationDecisionIn,
    AnticipationIn,
    AnticipationOut,
    MessagesOut,
    PaymentIn,
    PaymentOut,
    RequestLogOut,
    visible_to,
)

router = Router(tags=["payments"], auth=PaymentsBearer())

# 401 no or bad token, 403 neither supplier nor operator, 404 missing, another's, or bad page.
COMMON = {401: ErrorOut, 403: ErrorOut}
PAGE = {"page_size": 10, "max_page_size": 100}


@router.get(
    "/payments/",
    response={200: list[PaymentOut], 400: MessagesOut, 404: ErrorOut, **COMMON},
    summary="List payments (operators: all; suppliers: their own)",
    description=(
        "`?status=` A available, U unavailable, PC pending confirmation, AN anticipated, "
        "D denied; absent or empty: all. Case-insensitive. Newest first."
    ),
)
@paginate(PageNumberPagination, **PAGE)
def list_payments(request: AuthedRequest, status: str | None = None) -> QuerySet[Payment]:
    return selectors.payment_list(actor=request.auth, status=status)


@router.post(
    "/payments/",
    response={201: PaymentOut, 400: ValidationErrorOut, **COMMON},
    summary="Register a payment",
    openapi_extra=body_docs(PaymentIn),
)
def create_payment(request: AuthedRequest) -> Status:
    actor = request.auth
    body = read_body(request)
    supplier = None
    if role_of(actor).is_operator:  # a supplier's own supplier replaces it, unread
        supplier = body.get("supplier", PrimaryKey(selectors.supplier_list(actor=actor)))
    due_date = body.get("due_date", DUE_DATE_FIELD)
    value = body.get("value", VALUE_FIELD)
    body.raise_if_any()
    payment = services.payment_create(
        actor=actor, supplier_id=supplier.pk if supplier else None, due_date=due_date, value=value
    )
    return Status(201, payment)


@router.get(
    "/payments/{payment_id}/",
    response={200: PaymentOut, 404: ErrorOut, **COMMON},
    summary="Retrieve a payment",
)
def get_payment(request: AuthedRequest, payment_id: int) -> Payment:
    return selectors.payment_get(actor=request.auth, payment_id=payment_id)


@router.get(
    "/anticipations/",
    response={200: list[AnticipationOut], 400: MessagesOut, 404: ErrorOut, **COMMON},
    summary="List anticipations (operators: all; suppliers: their own)",
    description="`?status=` PC, A or D; absent or empty: all. Case-insensitive. Newest first.",
)
@paginate(PageNumberPagination, **PAGE)
def list_anticipations(request: AuthedRequest, status: str | None = None) -> QuerySet[Anticipation]:
    return selectors.anticipation_list(actor=request.auth, status=status)


@router.post(
    "/anticipations/",
    response={201: AnticipationOut, 400: ValidationErrorOut | MessagesOut, **COMMON},
    summary="Request the anticipation of a payment",
    description="The server computes `new_value`; the status starts as PC.",
    openapi_extra=body_docs(AnticipationIn),
)
def create_anticipation(request: AuthedRequest) -> Status:
    actor = request.auth
    body = read_body(request)
    payment_field = PrimaryKey(selectors.payment_lookup(), validators=[visible_to(actor)])
    payment = body.get("payment", payment_field)
    new_due_date = body.get("new_due_date", DUE_DATE_FIELD)
    body.raise_if_any()
    anticipation = services.anticipation_create(
        actor=actor, payment=payment, new_due_date=new_due_date
    )
    return Status(201, anticipation)


@router.get(
    "/anticipations/{anticipation_id}/",
    response={200: AnticipationOut, 404: ErrorOut, **COMMON},
    summary="Retrieve an anticipation",
)
def get_anticipation(request: AuthedRequest, anticipation_id: int) -> Anticipation:
    return selectors.anticipation_get(actor=request.auth, anticipation_id=anticipation_id)


class DecisionOptions(TypedDict):
    """The route options PATCH and PUT share, typed for the ``**`` spread into the decorators."""

    response: dict[int, Any]
    description: str
    openapi_extra: dict[str, Any]


DECISION: DecisionOptions = {
    "response": {
        200: AnticipationOut,
        400: ValidationErrorOut | MessagesOut,
        404: ErrorOut,
        **COMMON,
    },
    "description": "Only `status` is read (A approves, D denies); every other field is ignored.",
    "openapi_extra": body_docs(AnticipationDecisionIn),
}


@router.patch(
    "/anticipations/{anticipation_id}/", summary="Approve or deny an anticipation", **DECISION
)
def update_anticipation(request: AuthedRequest, anticipation_id: int) -> Anticipation:
    return _decide(request, anticipation_id)


@router.put(
    "/anticipations/{anticipation_id}/",
    summary="Approve or deny an anticipation (same as PATCH)",
    **DECISION,
)
def replace_anticipation(request: AuthedRequest, anticipation_id: int) -> Anticipation:
    return _decide(request, anticipation_id)


def _decide(request: AuthedRequest, anticipation_id: int) -> Anticipation:
    actor = request.auth
    anticipation = selectors.anticipation_get_for_decision(
        actor=actor, anticipation_id=anticipation_id
    )
    # The body is read only now: 404 and 403 come before a 400, as in the legacy API.
    body = read_body(request)
    status = body.get("status", DECISION_FIELD)
    body.raise_if_any()
    return services.anticipation_decide(actor=actor, anticipation=anticipation, status=status)


@router.get(
    "/logs/",
    response={200: list[RequestLogOut], 404: ErrorOut, **COMMON},
    summary="List request logs (operators: all; suppliers: their own)",
)
@paginate(PageNumberPagination, **PAGE)
def list_request_logs(request: AuthedRequest) -> QuerySet[RequestLog]:
    return selectors.request_log_list(actor=request.auth)
