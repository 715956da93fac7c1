"""MindLogger's errors: every message its clients match on, word for word (spec assessments.md),
and the error classes whose ``type`` differs from what their status alone would give.

Errors stay facts; ``rendering.AssessmentsRenderer`` writes the ``{"result": [...]}`` body.
"""

from core.errors import DomainError, NotFound, PermissionDenied

# Types of the result entries.
BAD_REQUEST = "BAD_REQUEST"
ACCESS_DENIED = "ACCESS_DENIED"
NOT_FOUND = "NOT_FOUND"
UNDEFINED = "UNDEFINED"
INVALID_VALUE = "INVALID_VALUE"

# Requests as a whole
NOT_AUTHENTICATED = "Not authenticated"
BAD_TOKEN = "Could not validate credentials."
THROTTLED = "Too many requests."
EXTRA_FIELD = "extra fields not permitted"
NULL_CHARACTERS = "Null characters are not allowed."

# Auth and users (#1-#12)
BAD_CREDENTIALS = "Incorrect email or password"
USER_DELETED = "User is deleted."
BAD_REFRESH_TOKEN = "Invalid refresh token."
EMAIL_TAKEN = "That email address is already associated with a MindLogger account."
PASSWORD_SPACES = "Password should not contain blank spaces"
OLD_PASSWORD_WRONG = "Old password is incorrect."
RECOVERY_KEY_NOT_FOUND = "Password recovery key not found."
RECOVERY_LINK_INVALID = "Invalid or Expired Link."

# Workspaces (#13-#20)
WORKSPACE_NOT_FOUND = "Workspace does not exist."
WORKSPACE_DENIED = "Access denied to workspace."
CREATE_DENIED = "Access denied to create applet in current workspace."
APPLET_DENIED = "Access denied to applet."
REMOVE_OWN_ACCESS = "Access denied to remove own permission."
NOT_RELATED = "User is not related to applets {ids}"

# Applets (#21-#29)
APPLET_NOT_FOUND = "No such applets with id={id}."
APPLET_EXISTS = "Applet already exists."
EDIT_DENIED = "Access denied to edit applet in current workspace."
DELETE_DENIED = "Access denied to delete applet in current workspace."
DUPLICATE_DENIED = "Access denied to duplicate applet in current workspace."
ENCRYPTION_SET = "Access denied to update encryption."
VERSION_NOT_FOUND = "Applet version not found."

# Applet bodies (§7, §8)
ACTIVITY_NAMES_DUPLICATED = "Activity names are duplicated."
ITEM_NAMES_DUPLICATED = "Activity item names are duplicated."
FLOW_NAMES_DUPLICATED = "Activity flow names are duplicated."
ASSESSMENTS_COUNT = "Assessments count can not be more than one."
ITEM_NAME_CHARACTERS = "Name must contain only alphanumeric symbols or underscore."
ACTIVITY_IDS_DUPLICATED = "Activity ids are duplicated."
FLOW_IDS_DUPLICATED = "Activity flow ids are duplicated."
ITEM_IDS_DUPLICATED = "Activity item ids are duplicated."
FLOW_KEY_NOT_FOUND = "Activity key from activity flow item is not found in activity list."
ACTIVITY_NOT_FOUND = "Activity does not exist."
FLOW_NOT_FOUND = "Flow does not exist."
ITEM_NOT_IN_ACTIVITY = "Activity does not have such item."
CONFIG_TYPE = "config must be of type {name}."
VALUES_TYPE = "response_values must be of type {name}."
SCORE_PER_OPTION = "Score must be provided in each option of response_values."
SELECT_ALERTS_FLAG = "set_alerts flag is not set for (single, multi selection) items with alerts."
NONE_OPTIONS = "No more than 1 none option is not allowed for multiselect."
MIN_MAX = "min value must be less than max value."
SCORES_LENGTH = "Scores must have the same length as the range of min_value and max_value"
SCORES_NULL = "Score can not be null."
SLIDER_ALERTS_FLAG = "set_alerts flag is not set for slider(rows) items with alerts."
SLIDER_ALERT_VALUES = (
    "If continuous_slider is checked, min_value and max_value must be set. "
    "If not, then value must be set."
)
ROW_ALERT_VALUE = "Only value must be set."
DATA_MATRIX_REQUIRED = "data_matrix must be provided."
DATA_MATRIX_ROWS = "data_matrix must have the same length as rows"
DATA_MATRIX_OPTIONS = "data_matrix must have the same length as options"
CORRECT_ANSWER = "correct_answer must be set if correct_answer_required is True."
HIDDEN_WITH_LOGIC = "Item type cannot be hidden if conditional logic is set."
CONDITION_ITEM = "Condition item does not exist."
CONDITION_ORDER = "Selected position of the Item in the list contradicts the Item Flow."
CONDITION_ITEM_TYPE = "Item type is not supported for conditional logic."
CONDITION_OPTION = "Condition option does not exist."
CONDITION_INVALID = "Conditional logic is not valid."

# Activities (#30-#31)
ACTIVITY_DOES_NOT_EXIST = ACTIVITY_NOT_FOUND

# Invitations and subjects (#32-#41)
INVITES_DENIED = "Access denied to manipulate with invites of the applet."
SEND_INVITATION_DENIED = "You do not have access to send invitation."
RESPONDENT_ALREADY_INVITED = "Respondent already invited."
NON_UNIQUE_VALUE = "Non-unique value."
USER_ALREADY_INVITED = "User already invited. Edit their access in the Managers tab."
SUBJECT_NOT_IN_APPLET = "Subject does not exist in applet."
INVITATION_NOT_FOUND = "Invitation does not exist."
INVITATION_PROCESSED = "Invitation has been already processed."
SUBJECT_WITH_ID_NOT_FOUND = "Subject with id {id} not found"

# Answers (#42-#47, check-existence) and re-encryption (#9, §9)
SUBMIT_DENIED = "Access denied to submit answer to applet."
INVALID_VERSION = "Invalid version."
FLOW_HISTORY_NOT_FOUND = "Flow not found"
ACTIVITY_NOT_IN_FLOW = "Activity not found in the flow"
SUBMIT_DUPLICATE = "Submit id duplicate error"
SUBMIT_OTHER_APPLET = "In the same submit there can not be different applet id."
SUBMIT_OTHER_VERSION = "In the same submit there can not be different version."
SUBMIT_OTHER_USER = "Different users can not submit with the same submit id."
FLOW_COMPLETED = "Flow is already completed"
WRONG_FLOW_ORDER = "Wrong activity order in the flow"
ACTIVITY_HISTORY_NOT_FOUND = "Activity history does not exist."
RESPONDENT_SUBJECT_NOT_FOUND = "Respondent subject not found"
SUBJECT_NOT_FOUND = "Subject {id} not found"
VIEW_ANSWERS_DENIED = "Access denied to view applet answers."
ACCESS_DENIED_PLAIN = "Access denied."
ANSWER_NOT_FOUND = "Answer not found."
CHECK_ANSWER_DENIED = "Access denied to check answer to applet."
REENCRYPTION_IN_PROGRESS = "Cannot change password. Reencryption process in progress."


class BadRequest(DomainError):
    """A business rule (400 ``BAD_REQUEST``); several messages give one entry each."""

    status_code = 400
    code = "bad_request"

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__(messages[0] if messages else None)


class Forbidden(PermissionDenied):
    """403 ``ACCESS_DENIED`` with the operation's own words."""


class Missing(NotFound):
    """404 ``NOT_FOUND`` with the object's own words."""


class WrongCredentials(DomainError):
    """A failed login: 401 like a bad token, but typed ``ACCESS_DENIED`` as the legacy API was."""

    status_code = 401
    code = "wrong_credentials"
    default_message = BAD_CREDENTIALS
    result_type = ACCESS_DENIED


class TokenRefused(DomainError):
    """A token that is revoked, expired, of the wrong kind or for an inactive user."""

    status_code = 401
    code = "token_refused"
    default_message = BAD_TOKEN
