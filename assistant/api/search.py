"""POST /search: hybrid retrieval of regulation articles."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.common import ServicesDep
from assistant.api.models import SearchRequest
from assistant.schema import Hit

router = APIRouter(tags=["检索与问答"])


@router.post("/search", summary="混合检索法规条文")
def search(body: SearchRequest, services: ServicesDep) -> list[Hit]:
    return services.retriever.search(body.query, k=body.k, include_superseded=body.include_superseded)
