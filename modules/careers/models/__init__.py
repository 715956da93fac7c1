"""Every careers table (spec §3), including those part 2 fills: media, transcription jobs,
story grants and reviews."""

from modules.careers.models.base import Status
from modules.careers.models.catalog import (
    OptionKind,
    Profession,
    Question,
    Role,
    SortOrder,
    SweetSpotOption,
    TypeAttribute,
)
from modules.careers.models.media import Engine, JobState, Media, MediaStatus, TranscriptionJob
from modules.careers.models.misc import ErrorLog, Prospect
from modules.careers.models.polls import (
    DREAMJOB_FIELDS,
    GROUPS,
    RATING_KEYS,
    SLOTS,
    DreamJob,
    PeerFeedback,
    SweetSpot,
)
from modules.careers.models.profiles import CareerProfile
from modules.careers.models.reviews import (
    AssignmentStatus,
    Review,
    ReviewAssignment,
    ReviewRating,
    ReviewStatus,
    ReviewStory,
    StoryGrant,
)

__all__ = [
    "DREAMJOB_FIELDS",
    "GROUPS",
    "RATING_KEYS",
    "SLOTS",
    "AssignmentStatus",
    "CareerProfile",
    "DreamJob",
    "Engine",
    "ErrorLog",
    "JobState",
    "Media",
    "MediaStatus",
    "OptionKind",
    "PeerFeedback",
    "Profession",
    "Prospect",
    "Question",
    "Review",
    "ReviewAssignment",
    "ReviewRating",
    "ReviewStatus",
    "ReviewStory",
    "Role",
    "SortOrder",
    "Status",
    "StoryGrant",
    "SweetSpot",
    "SweetSpotOption",
    "TranscriptionJob",
    "TypeAttribute",
]
