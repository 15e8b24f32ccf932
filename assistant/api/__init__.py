"""REST API under /api/v1 (FastAPI): search, ask, review, documents, health.

Why: integrators (OA systems, trading-platform back ends, scripts) need the same answers and
reports as the CLI, in the same JSON shapes (`model_dump(mode="json")`). Routes only parse,
delegate to `Services` and render; every user error becomes a 4xx JSON body
`{"error": {"code", "message" (Chinese), "detail"}}`, never a traceback. Every route declares its
response model, so /openapi.json documents the real shapes (and schemathesis checks them).

One module per feature (search, ask, review, documents, health), each with its own `APIRouter`;
`app.create_app` assembles them. This package does not import gradio: the web UI is mounted on
top by `assistant.ui.server`.
"""

from __future__ import annotations

from assistant.api.app import create_app
from assistant.api.common import API_PREFIX
from assistant.schema import MAX_QUESTION_CHARS

__all__ = ["API_PREFIX", "MAX_QUESTION_CHARS", "create_app"]
