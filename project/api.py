"""The API instances: each module's router named where it is added, each API's renderer installed.

A module never knows where it is mounted: its ``api.py`` exposes a ``router``, and a module
whose legacy clients expect their own error bodies exposes them in ``errors.py`` (``BODIES``),
registered here on the renderer of the API that mounts it.
"""

from core.api import router as core_router
from core.auth import JWTBearer
from core.parsers import ApiParser
from core.rendering import DrfRenderer, PlatformApi, install_error_handlers
from modules.assessments.api import router as assessments_router
from modules.assessments.auth import AssessmentsBearer
from modules.assessments.rendering import AssessmentsRenderer
from modules.assessments.schemas.common import AssessmentsParser
from modules.batches import errors as batches_errors
from modules.batches.api import router as batches_router
from modules.careers import errors as careers_errors
from modules.careers.api import router as careers_router
from modules.payments import errors as payments_errors
from modules.payments.api import router as payments_router
from modules.taskboard import errors as taskboard_errors
from modules.taskboard.api import router as taskboard_router
from project import __version__

api = PlatformApi(
    title="Platform API",
    version=__version__,
    description=(
        "One backend for the Codevance (payments), TaskTable (taskboard) and FilesTalk (batches) "
        "clients. "
        "Obtain a token at `POST /api/token/` and send it as `Authorization: Bearer <access>`."
    ),
    urls_namespace="api",
    auth=JWTBearer(),
    parser=ApiParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
renderer = DrfRenderer()
install_error_handlers(api, renderer)

api.add_router("", core_router)
api.add_router("", payments_router)
renderer.include(payments_errors.BODIES)
api.add_router("", taskboard_router)
renderer.include(taskboard_errors.BODIES)
api.add_router("", batches_router)
renderer.include(batches_errors.BODIES)
api.add_router("v1/", careers_router)
renderer.include(careers_errors.BODIES)

# MindLogger's clients (spec assessments.md): a second API with its own envelope, mounted at
# /api/assessments/ (project/urls.py); its tokens and blacklist are core's.
assessments_api = PlatformApi(
    title="MindLogger assessments API",
    version=__version__,
    description=(
        "MindLogger's admin, web and mobile clients with the base URL `/api/assessments`. "
        "Log in at `POST /api/assessments/auth/login` (or `POST /api/token/`) and send "
        '`Authorization: Bearer <accessToken>`. Every answer is `{"result": ...}`; errors are '
        '`{"result": [{"message", "type", "path"}]}`.'
    ),
    urls_namespace="assessments",
    auth=AssessmentsBearer(),
    parser=AssessmentsParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
assessments_renderer = AssessmentsRenderer()
install_error_handlers(assessments_api, assessments_renderer)

assessments_api.add_router("", assessments_router)
