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
from modules.assessments.models.people import (
    Invitation,
    PasswordRecovery,
    Subject,
    UserAppletAccess,
    UserDevice,
)

__all__ = [
    "Activity",
    "ActivityFlow",
    "ActivityFlowItem",
    "ActivityHistory",
    "ActivityItem",
    "ActivityItemHistory",
    "Applet",
    "AppletHistory",
    "FlowHistory",
    "FlowItemHistory",
    "Invitation",
    "PasswordRecovery",
    "Subject",
    "UserAppletAccess",
    "UserDevice",
    "Workspace",
    "id_version",
]
