"""POST /ask: a cited answer to a policy question (refuses when the knowledge base has no basis)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.common import ServicesDep
from assistant.api.errors import check_query_field
from assistant.api.models import AskRequest
from assistant.schema import Answer, history_turns

router = APIRouter(tags=["检索与问答"])


@router.post("/ask", summary="政策问答（带条文引用，无依据时拒答）")
def ask(body: AskRequest, services: ServicesDep) -> Answer:
    check_query_field(services, body.question, "question", "问题")
    return services.qa.ask(body.question, history=history_turns(body.history))
