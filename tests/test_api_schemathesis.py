"""Property-based API tests: schemathesis generates requests from /openapi.json (ASGI, in process).

Checks (schemathesis defaults): no 5xx, documented status codes and content types, responses
match their schema, invalid data rejected with 4xx. Bounded examples so it stays under 2 minutes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from web_fixtures import build_small_kb, web_settings

from assistant.api import create_app
from assistant.services import Services
from assistant.titles import DEFAULT_KB_DIR, use_knowledge_base_dir

pytestmark = pytest.mark.integration

# Loading the schema only asks the app for /openapi.json; the knowledge base is built lazily below.
_TMP = Path(tempfile.mkdtemp(prefix="tender-schemathesis-"))
_SERVICES = Services(web_settings(_TMP, max_upload_mb=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(services=_SERVICES))
# Services points the process-wide title table at its KB folder; modules collected after this one
# must not see that (temporary) folder
use_knowledge_base_dir(DEFAULT_KB_DIR)


@pytest.fixture(scope="module", autouse=True)
def _small_kb():
    build_small_kb(_SERVICES, _TMP)
    yield
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:
    excluded = []
    if case.media_type and case.media_type.startswith("multipart/"):
        # Whether an upload is a readable DOCX/PDF/TXT cannot be said in OpenAPI: a schema-valid
        # random file is rightly refused with 400/413/415 (the JSON error shape is still checked).
        excluded.append(schemathesis.checks.positive_data_acceptance)
    response = case.call()
    if response.status_code == 413:
        # a body over the upload limit (1 MB here, ASSISTANT_APP__MAX_UPLOAD_MB) is refused before it is read,
        # valid or not: a rejection, though not one of the codes schemathesis expects for invalid data (a
        # 20-turn history of long escaped strings reaches it)
        excluded += [schemathesis.checks.negative_data_rejection, schemathesis.checks.positive_data_acceptance]
    case.validate_response(response, excluded_checks=excluded)
