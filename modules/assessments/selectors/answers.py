"""Reading answers (#43-#47, check-existence) and the streamed CSV export.

Who reads what (spec §2, §13): owners and managers read every answer of the applet; a reviewer
only answers about the subjects it was given (``meta.subjects``), in every read and export; an
exporter without a team view (a respondent, a reviewer without subjects) only what it submitted.
The export streams in keyset batches (created_at, id), so its memory does not grow with its size.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import F, Max, Q, QuerySet

from core.models import User
from modules.assessments import errors
from modules.assessments.errors import Forbidden, Missing
from modules.assessments.models import (
    Activity,
    ActivityHistory,
    ActivityItemHistory,
    Answer,
    AnswerItem,
    Applet,
    FlowHistory,
    Subject,
    UserAppletAccess,
    id_version,
)
from modules.assessments.roles import TEAM, Role
from modules.assessments.selectors.access import applet_for
from modules.assessments.text import utc

DATA_VIEWERS = frozenset({Role.OWNER, Role.MANAGER, Role.REVIEWER})
EXPORTERS = frozenset({Role.OWNER, Role.MANAGER, Role.REVIEWER, Role.RESPONDENT})
EXPORT_MAX = 10000
ADMIN_ACCOUNT = "[admin account] ({secret})"
# The export's columns, in order: the JSON fields of an answer, camelCase.
EXPORT_COLUMNS = (
    "id",
    "submitId",
    "version",
    "appletId",
    "activityId",
    "flowId",
    "appletHistoryId",
    "activityHistoryId",
    "flowHistoryId",
    "flowName",
    "respondentId",
    "respondentSecretId",
    "targetSubjectId",
    "targetSecretId",
    "sourceSubjectId",
    "sourceSecretId",
    "relation",
    "userPublicKey",
    "answer",
    "events",
    "itemIds",
    "scheduledDatetime",
    "startDatetime",
    "endDatetime",
    "tzOffset",
    "scheduledEventId",
    "reviewedAnswerId",
    "createdAt",
    "client",
)
FORMULA_STARTS = ("=", "+", "-", "@")
LINE_END = "\r\n"  # as the csv module and spreadsheets write rows


def reviewer_subjects(user: User, applet_id: Any) -> set[str]:
    """The subjects a user's live reviewer access names in the applet."""
    found: set[str] = set()
    metas = UserAppletAccess.objects.filter(
        user=user, applet_id=applet_id, role=Role.REVIEWER, is_deleted=False
    ).values_list("meta", flat=True)
    for meta in metas:
        found.update(str(each) for each in (meta or {}).get("subjects") or [])
    return found


def _viewer(actor: User, applet_id: UUID) -> tuple[Applet, set[str] | None]:
    """The applet and the subjects the caller may read about (None: every subject)."""
    applet, roles = applet_for(
        actor, applet_id, allowed=DATA_VIEWERS, denied=errors.VIEW_ANSWERS_DENIED
    )
    if roles & {Role.OWNER, Role.MANAGER}:
        return applet, None
    return applet, reviewer_subjects(actor, applet.pk)


def _require_target(scope: set[str] | None, target_subject_id: UUID | None) -> None:
    """A reviewer names one of its subjects, else 403 ``Access denied.``"""
    if scope is not None and (target_subject_id is None or str(target_subject_id) not in scope):
        raise Forbidden(errors.ACCESS_DENIED_PLAIN)


def _items_of(activity_history_ids: set[str]) -> dict[str, list[ActivityItemHistory]]:
    found: dict[str, list[ActivityItemHistory]] = {key: [] for key in activity_history_ids}
    rows = ActivityItemHistory.objects.filter(activity_id__in=activity_history_ids).order_by(
        "activity_id", "order"
    )
    for item in rows:
        found[item.activity_id].append(item)
    return found


def _activity_histories(ids: set[str]) -> list[dict[str, Any]]:
    """Activity histories with their items, as the reads and the export show them."""
    items = _items_of(ids)
    histories = ActivityHistory.objects.filter(id_version__in=ids).order_by("order", "id_version")
    return [
        {**_fields(history), "applet_id": history.applet_id, "items": items[history.pk]}
        for history in histories
    ]


def _fields(history: ActivityHistory) -> dict[str, Any]:
    return {
        field.attname: getattr(history, field.attname)
        for field in ActivityHistory._meta.concrete_fields
    }


def _day(value: date) -> tuple[datetime, datetime]:
    begun = datetime.combine(value, time.min, tzinfo=UTC)
    return begun, begun + timedelta(days=1)


def activity_answers(
    *,
    actor: User,
    applet_id: UUID,
    activity_id: UUID,
    respondent_id: UUID | None = None,
    target_subject_id: UUID | None = None,
    from_datetime: datetime | None = None,
    to_datetime: datetime | None = None,
    versions: str | None = None,
    identifiers: str | None = None,
    empty_identifiers: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """#43: an activity's answers (every version), oldest first."""
    applet, scope = _viewer(actor, applet_id)
    _require_target(scope, target_subject_id)
    found = AnswerItem.objects.filter(
        answer_row__applet=applet, answer_row__activity_id=activity_id
    ).select_related("answer_row")
    if respondent_id is not None:
        found = found.filter(answer_row__respondent__public_id=respondent_id)
    if target_subject_id is not None:
        found = found.filter(answer_row__target_subject_id=target_subject_id)
    if from_datetime is not None:
        found = found.filter(answer_row__created_at__gte=from_datetime)
    if to_datetime is not None:
        found = found.filter(answer_row__created_at__lte=to_datetime)
    chosen = [v.strip() for v in (versions or "").split(",") if v.strip()]
    if chosen:
        found = found.filter(answer_row__version__in=chosen)
    wanted = [v.strip() for v in (identifiers or "").split(",") if v.strip()]
    if wanted:
        named = Q(identifier__in=wanted)
        found = found.filter(named | Q(identifier__isnull=True) if empty_identifiers else named)
    elif not empty_identifiers:
        found = found.filter(identifier__isnull=False)
    rows = list(found.order_by("answer_row__created_at", "answer_row__id"))
    histories = {row.answer_row.activity_history_id for row in rows}
    items = _items_of(histories)
    subscales = dict(
        ActivityHistory.objects.filter(id_version__in=histories).values_list(
            "id_version", "subscale_setting"
        )
    )
    result = [
        {
            "answer_id": row.answer_row_id,
            "version": row.answer_row.version,
            "user_public_key": row.user_public_key,
            "answer": row.answer,
            "events": row.events,
            "item_ids": row.item_ids,
            "items": items[row.answer_row.activity_history_id],
            "start_datetime": row.start_datetime,
            "end_datetime": row.end_datetime,
            "subscale_setting": subscales.get(row.answer_row.activity_history_id),
        }
        for row in rows
    ]
    return result, len(result)


def answer_read(
    *, actor: User, applet_id: UUID, activity_id: UUID, answer_id: UUID
) -> dict[str, Any]:
    """#44: one answer with the activity as answered and a summary."""
    applet, scope = _viewer(actor, applet_id)
    answer = (
        Answer.objects.select_related("item", "source_subject")
        .filter(pk=answer_id, applet=applet, activity_id=activity_id)
        .first()
    )
    if answer is None:
        raise Missing(errors.ANSWER_NOT_FOUND)
    _require_target(scope, answer.target_subject_id)
    item = answer.item
    history = _activity_histories({answer.activity_history_id})[0]
    identifier = None
    if item.identifier is not None:
        same = Answer.objects.filter(
            applet=applet, respondent_id=answer.respondent_id, item__identifier=item.identifier
        )
        if scope is not None:  # a reviewer learns nothing of answers about other subjects
            same = same.filter(target_subject_id__in=sorted(scope))
        last = same.aggregate(last=Max("created_at")).get("last")
        identifier = {
            "identifier": item.identifier,
            "user_public_key": item.user_public_key,
            "last_answer_date": last,
        }
    return {
        "activity": history,
        "answer": {
            "id": answer.pk,
            "submit_id": answer.submit_id,
            "version": answer.version,
            "activity_history_id": answer.activity_history_id,
            "activity_id": answer.activity_id,
            "flow_history_id": answer.flow_history_id,
            "user_public_key": item.user_public_key,
            "answer": item.answer,
            "events": item.events,
            "item_ids": item.item_ids,
            "identifier": item.identifier,
            "start_datetime": item.start_datetime,
            "end_datetime": item.end_datetime,
            "created_at": answer.created_at,
            "source_subject": answer.source_subject,
        },
        "summary": {
            "end_datetime": item.end_datetime,
            "created_at": answer.created_at,
            "version": answer.version,
            "identifier": identifier,
        },
    }


def _scoped_answers(
    applet: Applet, target_subject_id: UUID | None, respondent_id: UUID | None
) -> QuerySet[Answer]:
    found = Answer.objects.filter(applet=applet)
    if target_subject_id is not None:
        found = found.filter(target_subject_id=target_subject_id)
    if respondent_id is not None:
        found = found.filter(respondent__public_id=respondent_id)
    return found


def _activities_answered(applet: Applet, answered: QuerySet[Answer]) -> list[dict[str, Any]]:
    """The applet's current activities, then deleted ones that were answered (named as last
    recorded), each with the time of its latest answer in ``answered``."""
    last = dict(
        answered.values("activity_id")
        .annotate(last=Max("created_at"))
        .values_list("activity_id", "last")
    )
    current: list[dict[str, Any]] = [
        dict(row)
        for row in Activity.objects.filter(applet=applet)
        .order_by("order")
        .values("id", "name", "is_performance_task")
    ]
    known = {each["id"] for each in current}
    gone = [activity for activity in last if activity not in known]
    if gone:
        latest: dict[UUID, dict[str, Any]] = {}
        recorded = (
            ActivityHistory.objects.filter(id__in=gone)
            .order_by("id", "-created_at")
            .values("id", "name", "is_performance_task")
        )
        for each in recorded:
            latest.setdefault(each["id"], dict(each))
        current += [latest[activity] for activity in gone if activity in latest]
    return [{**each, "last_answer_date": last.get(each["id"])} for each in current]


def activities_summary(
    *,
    actor: User,
    applet_id: UUID,
    target_subject_id: UUID | None = None,
    respondent_id: UUID | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """#45: current activities and deleted ones answered, with whether and when answered."""
    applet, scope = _viewer(actor, applet_id)
    _require_target(scope, target_subject_id)
    answered = _scoped_answers(applet, target_subject_id, respondent_id)
    found = [
        {**each, "has_answer": each["last_answer_date"] is not None}
        for each in _activities_answered(applet, answered)
    ]
    return found, len(found)


def review_activities(
    *, actor: User, applet_id: UUID, target_subject_id: UUID | None, created_date: date
) -> tuple[list[dict[str, Any]], int]:
    """#46: each activity's answers about the subject on one UTC day."""
    applet, scope = _viewer(actor, applet_id)
    _require_target(scope, target_subject_id)
    begun, ended = _day(created_date)
    answered = _scoped_answers(applet, target_subject_id, None).filter(
        created_at__gte=begun, created_at__lt=ended
    )
    dates: dict[UUID, list[dict[str, Any]]] = {}
    rows = answered.order_by("created_at", "id").values(
        "id", "activity_id", "created_at", end_datetime=F("item__end_datetime")
    )
    for row in rows:
        dates.setdefault(row["activity_id"], []).append(
            {
                "answer_id": row["id"],
                "created_at": row["created_at"],
                "end_datetime": row["end_datetime"],
            }
        )
    found = [
        {
            "id": each["id"],
            "name": each["name"],
            "answer_dates": dates.get(each["id"], []),
            "last_answer_date": each["last_answer_date"],
        }
        for each in _activities_answered(applet, answered)
    ]
    return found, len(found)


def answer_dates(
    *,
    actor: User,
    applet_id: UUID,
    target_subject_id: UUID | None,
    from_date: date | None,
    to_date: date | None,
) -> dict[str, list[date]]:
    """#46: the UTC days with answers about the subject."""
    applet, scope = _viewer(actor, applet_id)
    _require_target(scope, target_subject_id)
    found = _scoped_answers(applet, target_subject_id, None)
    if from_date is not None:
        found = found.filter(created_at__gte=_day(from_date)[0])
    if to_date is not None:
        found = found.filter(created_at__lt=_day(to_date)[1])
    days = {moment.astimezone(UTC).date() for moment in found.values_list("created_at", flat=True)}
    return {"dates": sorted(days)}


def answer_exists(
    *, actor: User, applet_id: UUID, activity_id: UUID, created_at: datetime, submit_id: Any
) -> dict[str, bool]:
    """check-existence: an answer of the activity created in that UTC millisecond."""
    applet, _ = applet_for(
        actor, applet_id, allowed={Role.RESPONDENT}, denied=errors.CHECK_ANSWER_DENIED
    )
    begun = created_at.replace(microsecond=created_at.microsecond // 1000 * 1000)
    found = Answer.objects.filter(
        applet=applet,
        activity_id=activity_id,
        created_at__gte=begun,
        created_at__lt=begun + timedelta(milliseconds=1),
    )
    found = found.filter(submit_id=submit_id) if submit_id else found.filter(respondent=actor)
    return {"exists": found.exists()}


# The export


@dataclass(frozen=True)
class ExportFilter:
    respondent_ids: list[UUID]
    target_subject_ids: list[UUID]
    from_date: date | None = None
    to_date: date | None = None


class _Lookups:
    """What each exported row needs besides its own columns, read once per export and bounded
    by the applet's people, not by its answers."""

    def __init__(self, applet: Applet) -> None:
        self.flow_names = dict(
            FlowHistory.objects.filter(applet__id=applet.pk).values_list("id_version", "name")
        )
        secrets: dict[int, str] = {}
        for user_id, secret in (
            Subject.objects.filter(applet=applet, user__isnull=False)
            .order_by("-is_deleted", "created_at")
            .values_list("user_id", "secret_user_id")
        ):
            secrets[user_id] = secret  # a live subject, read last, wins
        self.secrets = secrets
        self.team = set(
            UserAppletAccess.objects.filter(
                applet=applet, role__in=list(TEAM), is_deleted=False
            ).values_list("user_id", flat=True)
        )

    def respondent_secret(self, user_id: int) -> str | None:
        secret = self.secrets.get(user_id)
        if secret is not None and user_id in self.team:
            return ADMIN_ACCOUNT.format(secret=secret)
        return secret


def export_scope(*, actor: User, applet_id: UUID, wanted: ExportFilter) -> tuple[Applet, Q | None]:
    """The applet and the answers the caller may export, with its filters intersected; None
    when the intersection is empty (nothing, never everything)."""
    applet, roles = applet_for(actor, applet_id, allowed=EXPORTERS, denied=errors.APPLET_DENIED)
    condition = Q(applet=applet)
    if not roles & {Role.OWNER, Role.MANAGER}:
        subjects = reviewer_subjects(actor, applet.pk) if Role.REVIEWER in roles else set()
        if subjects:
            targets = {str(each) for each in wanted.target_subject_ids} or subjects
            allowed_targets = targets & subjects
            if not allowed_targets:
                return applet, None
            condition &= Q(target_subject_id__in=sorted(allowed_targets))
        else:
            mine = {actor.public_id}
            respondents = set(wanted.respondent_ids) or mine
            if not respondents & mine:
                return applet, None
            condition &= Q(respondent=actor)
    if wanted.respondent_ids:
        condition &= Q(respondent__public_id__in=wanted.respondent_ids)
    if wanted.target_subject_ids:
        condition &= Q(target_subject_id__in=wanted.target_subject_ids)
    if wanted.from_date is not None:
        condition &= Q(created_at__gte=_day(wanted.from_date)[0])
    if wanted.to_date is not None:
        condition &= Q(created_at__lt=_day(wanted.to_date)[1])
    return applet, condition


ROW_COLUMNS = (
    "id",
    "submit_id",
    "version",
    "applet_id",
    "activity_id",
    "flow_id",
    "applet_history_id",
    "activity_history_id",
    "flow_history_id",
    "respondent_id",
    "respondent__public_id",
    "target_subject_id",
    "target_subject__secret_user_id",
    "source_subject_id",
    "source_subject__secret_user_id",
    "relation",
    "item__user_public_key",
    "item__answer",
    "item__events",
    "item__item_ids",
    "item__scheduled_datetime",
    "item__start_datetime",
    "item__end_datetime",
    "item__tz_offset",
    "item__scheduled_event_id",
    "created_at",
    "client",
)


class _Raw(NamedTuple):
    """A row of ``ROW_COLUMNS`` under short names, for the JSON and CSV writers."""

    pk: Any
    submit_id: Any
    version: Any
    applet_id: Any
    activity_id: Any
    flow_id: Any
    applet_history_id: Any
    activity_history_id: Any
    flow_history_id: Any
    respondent_pk: Any
    respondent_public_id: Any
    target_id: Any
    target_secret: Any
    source_id: Any
    source_secret: Any
    relation: Any
    public_key: Any
    answer: Any
    events: Any
    item_ids: Any
    scheduled: Any
    started: Any
    ended: Any
    tz_offset: Any
    scheduled_event_id: Any
    created_at: Any
    client: Any


def _seconds(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _export_row(raw: tuple[Any, ...], lookups: _Lookups) -> dict[str, Any]:
    row = _Raw._make(raw)
    return {
        "id": row.pk,
        "submit_id": row.submit_id,
        "version": row.version,
        "applet_id": row.applet_id,
        "activity_id": row.activity_id,
        "flow_id": row.flow_id,
        "applet_history_id": row.applet_history_id,
        "activity_history_id": row.activity_history_id,
        "flow_history_id": row.flow_history_id,
        "flow_name": lookups.flow_names.get(row.flow_history_id) if row.flow_history_id else None,
        "respondent_id": row.respondent_public_id,
        "respondent_secret_id": lookups.respondent_secret(row.respondent_pk),
        "target_subject_id": row.target_id,
        "target_secret_id": row.target_secret,
        "source_subject_id": row.source_id,
        "source_secret_id": row.source_secret,
        "relation": row.relation,
        "user_public_key": row.public_key,
        "answer": row.answer,
        "events": row.events,
        "item_ids": row.item_ids,
        "scheduled_datetime": _seconds(row.scheduled),
        "start_datetime": _seconds(row.started),
        "end_datetime": _seconds(row.ended),
        "tz_offset": row.tz_offset,
        "scheduled_event_id": row.scheduled_event_id,
        "reviewed_answer_id": None,
        "created_at": row.created_at,
        "client": row.client,
    }


def export_page(
    *,
    actor: User,
    applet_id: UUID,
    wanted: ExportFilter,
    page: int = 1,
    limit: int = EXPORT_MAX,
    activities_last_version: bool = False,
) -> dict[str, Any]:
    """#47 as JSON: one page, newest first, with the activities the page's answers were given
    against (or the current version's)."""
    applet, condition = export_scope(actor=actor, applet_id=applet_id, wanted=wanted)
    rows: list[dict[str, Any]] = []
    total = 0
    if condition is not None:
        found = Answer.objects.filter(condition)
        total = found.count()
        lookups = _Lookups(applet)
        offset = (page - 1) * limit
        raws = found.order_by("-created_at", "-id").values_list(*ROW_COLUMNS)[
            offset : offset + limit
        ]
        rows = [_export_row(raw, lookups) for raw in raws]
    if activities_last_version:
        current = id_version(applet.pk, applet.version)
        histories = set(
            ActivityHistory.objects.filter(applet_id=current).values_list("id_version", flat=True)
        )
    else:
        histories = {row["activity_history_id"] for row in rows}
    activities = _activity_histories(histories) if histories else []
    return {"result": {"answers": rows, "activities": activities}, "count": total}


# CSV cells from the database's own values: the export skips the ORM's per-value converters
# (UUIDs, datetimes, JSON), the bulk of its cost, and writes each type the way the JSON export
# shows it. SQLite hands back text (hex UUIDs, "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC, JSON as
# stored), PostgreSQL Python objects; both are handled.


def _field(text: str) -> str:
    """One cell: a leading ``'`` where a spreadsheet would run a formula, and quoted as the
    ``csv`` module quotes (only when it holds a comma, a quote or a line break). Written by hand:
    the ``csv`` writer copies every character one by one, most of the export's cost for long
    ciphertexts, while these checks run at memory speed."""
    if text[:1] in FORMULA_STARTS and text:
        text = f"'{text}"
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    return _field(value if isinstance(value, str) else str(value))


def _uuid(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _epoch(value: Any) -> str:
    """Epoch seconds; a time before 1970 starts with ``-`` and is made formula-safe too."""
    return "" if value is None else _field(str(_moment(value).timestamp()))


def _iso(value: Any) -> str:
    if isinstance(value, str):
        return value.replace(" ", "T", 1)
    return utc(value) or ""


def _json(value: Any) -> str:
    if value is None:
        return ""
    return _field(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _csv_line(raw: tuple[Any, ...], lookups: _Lookups) -> str:
    row = _Raw._make(raw)
    flow_name = lookups.flow_names.get(row.flow_history_id) if row.flow_history_id else None
    cells = [
        _uuid(row.pk),
        _uuid(row.submit_id),
        _text(row.version),
        _uuid(row.applet_id),
        _uuid(row.activity_id),
        _uuid(row.flow_id),
        _text(row.applet_history_id),
        _text(row.activity_history_id),
        _text(row.flow_history_id),
        _text(flow_name),
        _uuid(row.respondent_public_id),
        _text(lookups.respondent_secret(row.respondent_pk)),
        _uuid(row.target_id),
        _text(row.target_secret),
        _uuid(row.source_id),
        _text(row.source_secret),
        _text(row.relation),
        _text(row.public_key),
        _text(row.answer),
        _text(row.events),
        _json(row.item_ids),
        _epoch(row.scheduled),
        _epoch(row.started),
        _epoch(row.ended),
        _text(row.tz_offset),
        _text(row.scheduled_event_id),
        "",
        _iso(row.created_at),
        _json(row.client),
    ]
    return ",".join(cells)


def export_csv(*, actor: User, applet_id: UUID, wanted: ExportFilter) -> Iterator[str]:
    """#47 ``?format=csv``: every matching answer, newest first, read in keyset batches of
    ``ASSESSMENTS_EXPORT_BATCH`` and written as they come. Access is checked before the first
    byte; the generator holds one batch at a time."""
    applet, condition = export_scope(actor=actor, applet_id=applet_id, wanted=wanted)
    return _csv_lines(applet, condition)


def _csv_lines(applet: Applet, condition: Q | None) -> Iterator[str]:
    yield ",".join(EXPORT_COLUMNS) + LINE_END
    if condition is None:
        return
    lookups = _Lookups(applet)
    batch = settings.ASSESSMENTS_EXPORT_BATCH
    found = Answer.objects.filter(condition).order_by("-created_at", "-id")
    created_at = ROW_COLUMNS.index("created_at")
    while True:
        sql, params = found.values_list(*ROW_COLUMNS)[:batch].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raws = cursor.fetchall()
        if not raws:
            return
        yield LINE_END.join([_csv_line(raw, lookups) for raw in raws]) + LINE_END
        if len(raws) < batch:
            return
        last = raws[-1]
        created, pk = _moment(last[created_at]), UUID(str(last[0]))
        # A range on created_at the index can seek to, minus the rows already sent.
        found = (
            Answer.objects.filter(condition, created_at__lte=created)
            .exclude(created_at=created, id__gte=pk)
            .order_by("-created_at", "-id")
        )
