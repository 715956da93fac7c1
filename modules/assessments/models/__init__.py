from modules.assessments.models.answers import Answer, AnswerAlert, AnswerItem, Relation
from modules.assessments.models.applets import (
    Activity,
    ActivityFlow,
    ActivityFlowItem,
    ActivityItem,
    Applet,
    Workspace,
)
from modules.assessments.models.history import (
    ActivityHistory,
    ActivityItemHistory,
    AppletHistory,
    FlowHistory,
    FlowItemHistory,
    id_version,
)
from modules.assessments.models.jobs import ACTIVE_STATES, ReencryptionJob, ReencryptionState
from modules.assessments.models.people import (
    Invitation,
    PasswordRecovery,
    Subject,
    UserAppletAccess,
    UserDevice,
)

__all__ = [
    "ACTIVE_STATES",
    "Activity",
    "ActivityFlow",
    "ActivityFlowItem",
    "ActivityHistory",
    "ActivityItem",
    "ActivityItemHistory",
    "Answer",
    "AnswerAlert",
    "AnswerItem",
    "Applet",
    "AppletHistory",
    "FlowHistory",
    "FlowItemHistory",
    "Invitation",
    "PasswordRecovery",
    "ReencryptionJob",
    "ReencryptionState",
    "Relation",
    "Subject",
    "UserAppletAccess",
    "UserDevice",
    "Workspace",
    "id_version",
]
