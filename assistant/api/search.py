"""POST /search: hybrid retrieval of regulation articles."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.common import ServicesDep
from assistant.api.errors import check_query_field
from assistant.api.models import SearchRequest
from assistant.schema import Hit

router = APIRouter(tags=["检索与问答"])


@router.post("/search", summary="混合检索法规条文")
def search(body: SearchRequest, services: ServicesDep) -> list[Hit]:
    check_query_field(services, body.query, "query", "检索内容")
    return services.retriever.search(body.query, k=body.k, include_superseded=body.include_superseded)
