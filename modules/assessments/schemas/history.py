"""Version history answers: the list (#25), a whole snapshot (#26) and its changes (#27)."""

from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from modules.assessments.schemas.applets_out import _ActivityBase, _AppletBase, _FlowBase
from modules.assessments.schemas.common import Out, Related, UtcDateTime


class CreatorOut(Out):
    first_name: str
    last_name: str


class VersionOut(Out):
    version: str
    created_at: UtcDateTime
    creator: CreatorOut | None = Field(validation_alias="user")


class ItemSnapshotOut(Out):
    id_version: str
    id: UUID
    activity_id: str
    name: str
    question: dict[str, str]
    response_type: str
    response_values: Any
    config: Any
    order: int
    is_hidden: bool
    conditional_logic: Any
    allow_edit: bool


class ActivitySnapshotOut(_ActivityBase):
    id_version: str
    description: dict[str, str]


class ActivityWithItemsSnapshotOut(ActivitySnapshotOut):
    items: Annotated[list[ItemSnapshotOut], Related]


class FlowItemSnapshotOut(Out):
    id: UUID
    order: int
    activity_id: str
    activity: ActivitySnapshotOut


class FlowSnapshotOut(_FlowBase):
    id_version: str
    description: dict[str, str]
    report_included_activity_name: str | None
    report_included_item_name: str | None
    items: Annotated[list[FlowItemSnapshotOut], Related]


class SnapshotOut(_AppletBase):
    """One recorded version, whole. ``createdAt`` is the applet's, ``updatedAt`` the version's."""

    id_version: str
    created_at: UtcDateTime = Field(validation_alias="applet_created_at")
    updated_at: UtcDateTime = Field(validation_alias="created_at")
    description: dict[str, str]
    about: dict[str, str]
    activities: Annotated[list[ActivityWithItemsSnapshotOut], Related]
    activity_flows: Annotated[list[FlowSnapshotOut], Related] = Field(validation_alias="flows")


class ItemChangeOut(Out):
    name: str
    changes: list[str]


class ObjectChangeOut(Out):
    name: str
    changes: list[str]
    items: list[ItemChangeOut]


class ChangesOut(Out):
    display_name: str
    changes: list[str]
    activities: list[ObjectChangeOut]
    activity_flows: list[ObjectChangeOut]
