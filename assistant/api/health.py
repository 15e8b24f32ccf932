"""GET /health: status, versions, backends and index size."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from assistant import __version__
from assistant.api.common import ServicesDep
from assistant.api.models import HealthResponse
from assistant.errors import UserError
from assistant.services import Services
from assistant.versions import component_versions

log = logging.getLogger("assistant.api")

router = APIRouter(tags=["系统"])


def health_payload(services: Services) -> HealthResponse:
    """`status` is "degraded", with a Chinese `reason`, when the index is unreadable or its vector
    store (a Chroma server) cannot be reached; the API itself still answers."""
    health = HealthResponse(status="ok", version=__version__, versions=component_versions(),
                            backends=services.describe(), index={})
    try:
        health.index = services.kb.stats()
    except UserError as exc:
        health.status, health.reason = "degraded", exc.message
        health.index = {"error": exc.message}
        return health
    except Exception as exc:  # any failure of the index is reported, never raised, by /health
        log.exception("health: index stats failed")
        health.status, health.reason = "degraded", f"索引不可用：{type(exc).__name__}"
        health.index = {"error": health.reason}
        return health
    try:
        services.kb.check_vector_store()
    except UserError as exc:
        log.warning("health: vector store unavailable: %s", exc.detail)
        health.status, health.reason = "degraded", exc.message
    return health


@router.get("/health", summary="运行状态、版本、后端与索引规模")
def health(services: ServicesDep) -> HealthResponse:
    return health_payload(services)
