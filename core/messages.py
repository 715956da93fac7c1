"""Every message the DRF-derived APIs answer with, word for word as DRF wrote it, defined once.

Legacy clients match on these strings; the readers (``core.body``), the schema error wording
(``core.schemas``) and the main API's renderer all take them from here.
"""

# Requests as a whole
BAD_REQUEST = "Bad request."
NOT_AUTHENTICATED = "Authentication credentials were not provided."
TOKEN_NOT_VALID = "Given token not valid for any token type"
PERMISSION_DENIED = "You do not have permission to perform this action."
NOT_FOUND = "Not found."
INVALID_PAGE = "Invalid page."
METHOD_NOT_ALLOWED = 'Method "{method}" not allowed.'
TOO_LARGE = "Request body too large."
UNSUPPORTED_MEDIA_TYPE = 'Unsupported media type "{media_type}" in request.'
THROTTLED = "Request was throttled."
INTERNAL_ERROR = "Internal server error"
JSON_PARSE_ERROR = "JSON parse error - {error}"
NESTED_TOO_DEEPLY = "JSON parse error - the body is nested too deeply"
MULTIPART_PARSE_ERROR = "Multipart form parse error - {error}"
FORM_PARSE_ERROR = "Form parse error - {error}"
CANNOT_PARSE = "Cannot parse request body"

# Fields
REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."
NOT_A_DICT = "Invalid data. Expected a dictionary, but got {type}."
NOT_A_LIST = 'Expected a list of items but got type "{type}".'
EMPTY_LIST = "This list may not be empty."
INVALID_CHOICE = '"{value}" is not a valid choice.'
NOT_A_STRING = "Not a valid string."
MAX_LENGTH = "Ensure this field has no more than {max_length} characters."
MIN_LENGTH = "Ensure this field has at least {min_length} characters."
NULL_CHARACTERS = "Null characters are not allowed."
SURROGATE_CHARACTERS = "Surrogate characters are not allowed: {code}."
INVALID_INTEGER = "A valid integer is required."
MAX_STRING_LENGTH = "String value too large."
INVALID_NUMBER = "A valid number is required."
MAX_DIGITS = "Ensure that there are no more than {max_digits} digits in total."
MAX_DECIMAL_PLACES = "Ensure that there are no more than {decimal_places} decimal places."
MAX_WHOLE_DIGITS = (
    "Ensure that there are no more than {whole_digits} digits before the decimal point."
)
MIN_VALUE = "Ensure this value is greater than or equal to {min_value}."
MAX_VALUE = "Ensure this value is less than or equal to {max_value}."
INVALID_BOOLEAN = "Must be a valid boolean."
INVALID_EMAIL = "Enter a valid email address."
INVALID_UUID = "Must be a valid UUID."
NO_FILE = "No file was submitted."
EMPTY_FILE = "The submitted file is empty."
PK_DOES_NOT_EXIST = 'Invalid pk "{pk}" - object does not exist.'
PK_INCORRECT_TYPE = "Incorrect type. Expected pk value, received {type}."
DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
DATETIME_FORMAT = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
