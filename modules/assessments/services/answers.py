"""Submitting an answer (#42): every check in the order of spec §13, then one transaction.

The server stores what the client encrypted, byte for byte; it never holds a key that opens it.
Answers name the recorded versions (history rows) they were given against, so an applet updated
since the client loaded it still takes answers for the version the client showed.
"""

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import BadRequest, Missing
from modules.assessments.models import (
    ActivityHistory,
    Answer,
    AnswerAlert,
    AnswerItem,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    Relation,
    Subject,
    id_version,
)
from modules.assessments.roles import TEAM, Role
from modules.assessments.schemas.answers import AnswerIn
from modules.assessments.selectors.access import applet_for


def tz_offset_from(name: str | None, at: datetime) -> int | None:
    """Minutes east of UTC of the IANA zone ``name`` at ``at``; None for no or unknown zone."""
    if not name:
        return None
    try:
        zone = ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else None


def _flow_activities(body: AnswerIn, applet_history: str) -> list[UUID]:
    """The flow's activities in order; 400 when the flow or the activity is not in it."""
    flow = (
        FlowHistory.objects.filter(
            id_version=id_version(body.flow_id, body.version), applet_id=applet_history
        )
        .values_list("pk", flat=True)
        .first()
    )
    if flow is None:
        raise BadRequest(errors.FLOW_HISTORY_NOT_FOUND)
    order = list(
        FlowItemHistory.objects.filter(activity_flow_id=flow)
        .order_by("order")
        .values_list("activity__id", flat=True)
    )
    if body.activity_id not in order:
        raise BadRequest(errors.ACTIVITY_NOT_IN_FLOW)
    return order


def _check_submit(body: AnswerIn, actor: User, flow_order: list[UUID] | None) -> None:
    """Answers sharing a submit id are one flow run, by one user, of one applet version, in
    the flow's order, until it is completed."""
    earlier = list(
        Answer.objects.filter(submit_id=body.submit_id).values(
            "applet_id", "version", "respondent_id", "flow_id", "is_flow_completed"
        )
    )
    if earlier and flow_order is None:
        raise BadRequest(errors.SUBMIT_DUPLICATE)
    for each in earlier:
        if each["applet_id"] != body.applet_id:
            raise BadRequest(errors.SUBMIT_OTHER_APPLET)
        if each["version"] != body.version:
            raise BadRequest(errors.SUBMIT_OTHER_VERSION)
        if each["respondent_id"] != actor.pk:
            raise BadRequest(errors.SUBMIT_OTHER_USER)
        if each["flow_id"] != body.flow_id:
            raise BadRequest(errors.SUBMIT_DUPLICATE)
    if any(each["is_flow_completed"] for each in earlier):
        raise BadRequest(errors.FLOW_COMPLETED)
    if flow_order is None:
        return
    done = len(earlier)
    in_place = done < len(flow_order) and flow_order[done] == body.activity_id
    last_completed = bool(body.is_flow_completed) and flow_order[-1] == body.activity_id
    if not (in_place or last_completed):
        raise BadRequest(errors.WRONG_FLOW_ORDER)


def _subject(applet_id: UUID, subject_id: UUID | None, default: Subject) -> Subject:
    if subject_id is None or subject_id == default.pk:
        return default
    found = Subject.objects.filter(pk=subject_id, applet_id=applet_id, is_deleted=False).first()
    if found is None:
        raise BadRequest(errors.SUBJECT_NOT_FOUND.format(id=subject_id))
    return found


def _relation(actor_subject: Subject, target: Subject, source: Subject, roles: set[str]) -> Any:
    if target.pk == actor_subject.pk:
        return None
    if source.pk == target.pk:
        return Relation.SELF
    return Relation.ADMIN if roles & TEAM else Relation.OTHER


def answer_submit(*, actor: User, body: AnswerIn, timezone_name: str | None = None) -> Answer:
    """Store one answer; the request's ``X-Timezone`` fills a missing ``tzOffset``."""
    applet, roles = applet_for(
        actor, body.applet_id, allowed={Role.RESPONDENT}, denied=errors.SUBMIT_DENIED
    )
    applet_history = (
        AppletHistory.objects.filter(id_version=id_version(applet.pk, body.version))
        .values_list("pk", flat=True)
        .first()
    )
    if applet_history is None:
        raise BadRequest(errors.INVALID_VERSION)
    flow_order = _flow_activities(body, applet_history) if body.flow_id else None
    with transaction.atomic():
        # One submission at a time per respondent: the submit-id checks below see every
        # earlier answer of theirs, committed.
        own = (
            Subject.objects.select_for_update()
            .filter(applet=applet, user=actor, is_deleted=False)
            .first()
        )
        _check_submit(body, actor, flow_order)
        activity_history = (
            ActivityHistory.objects.filter(
                id_version=id_version(body.activity_id, body.version), applet_id=applet_history
            )
            .values_list("pk", flat=True)
            .first()
        )
        if activity_history is None:
            raise Missing(errors.ACTIVITY_HISTORY_NOT_FOUND)
        if own is None:
            raise BadRequest(errors.RESPONDENT_SUBJECT_NOT_FOUND)
        target = _subject(applet.pk, body.target_subject_id, own)
        source = _subject(applet.pk, body.source_subject_id, own)
        given = body.input_subject_id
        entered = _subject(applet.pk, given, own) if given else own
        item = body.answer
        answer = Answer.objects.create(
            applet=applet,
            version=body.version,
            submit_id=body.submit_id,
            applet_history_id=applet_history,
            activity_history_id=activity_history,
            flow_history_id=id_version(body.flow_id, body.version) if body.flow_id else None,
            activity_id=body.activity_id,
            flow_id=body.flow_id,
            is_flow_completed=body.is_flow_completed if body.flow_id else None,
            respondent=actor,
            target_subject=target,
            source_subject=source,
            input_subject=entered,
            relation=_relation(own, target, source, roles),
            client=body.client.model_dump(by_alias=True),
            created_at=body.created_at or timezone.now(),
        )
        tz_offset = item.tz_offset
        if tz_offset is None:
            tz_offset = tz_offset_from(timezone_name, item.end_time)
        AnswerItem.objects.create(
            answer_row=answer,
            respondent=actor,
            answer=item.answer,
            events=item.events,
            item_ids=[str(each) for each in item.item_ids],
            identifier=item.identifier,
            user_public_key=item.user_public_key,
            start_datetime=item.start_time,
            end_datetime=item.end_time,
            scheduled_datetime=item.scheduled_time,
            scheduled_event_id=item.scheduled_event_id,
            local_end_date=item.local_end_date,
            local_end_time=item.local_end_time,
            tz_offset=tz_offset,
        )
        AnswerAlert.objects.bulk_create(
            AnswerAlert(
                answer=answer,
                applet=applet,
                respondent=actor,
                subject=target,
                activity_item_id=alert.activity_item_id,
                message=alert.message,
            )
            for alert in body.alerts
        )
    return answer
