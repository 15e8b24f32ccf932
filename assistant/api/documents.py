"""/documents: list, add, inspect and remove knowledge-base documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from assistant.api.common import ServicesDep
from assistant.api.models import RemovedDocument
from assistant.errors import NotFoundError
from assistant.kb.sources import DOC_TYPE_CHOICES, user_overrides
from assistant.kb.store import removal_note
from assistant.schema import DocumentMeta
from assistant.uploads import REGULATION_SUFFIXES, remove_upload, store_stream

router = APIRouter(tags=["知识库"])


@router.get("/documents", summary="知识库文档列表（含元数据与状态）")
def list_documents(
    services: ServicesDep,
    include_superseded: Annotated[bool, Query(description="是否包含已被新版本取代的文档")] = True,
) -> list[DocumentMeta]:
    return services.kb.list_documents(include_superseded=include_superseded)


@router.post("/documents", status_code=status.HTTP_201_CREATED, summary="上传法规文件并加入知识库",
             description="内容与已有文档相同的文件不重复导入：返回已有文档，响应头 X-Duplicate-Of 为其编号。")
async def add_document(
    services: ServicesDep,
    response: Response,
    file: Annotated[UploadFile, File(description="法规文件（DOCX / PDF / TXT / MD / HTML）")],
    title: Annotated[str | None, Form(description="文档标题（可选，默认取文件中的标题行）")] = None,
    doc_type: Annotated[str | None, Form(
        description=f"文档类型（可选，默认按标题和文号推断）：{'、'.join(DOC_TYPE_CHOICES)}")] = None,
) -> list[DocumentMeta]:
    overrides = user_overrides(title, doc_type)  # checked before the upload is stored
    data_dir = Path(services.settings.data_dir)
    stored = await run_in_threadpool(
        store_stream, file.file, file.filename, data_dir,
        kind="regulations", allowed=REGULATION_SUFFIXES, max_bytes=services.settings.max_upload_bytes,
    )
    try:
        added, duplicates = await run_in_threadpool(services.kb.add_report, [stored], None, overrides)
    except BaseException:
        remove_upload(stored, data_dir)  # the file stays only when it is in the index
        raise
    if duplicates:  # its content is already indexed: the document that holds it, and no second copy on disk
        remove_upload(stored, data_dir)
        response.headers["X-Duplicate-Of"] = ",".join(d["doc_id"] for d in duplicates)
        return services.kb.with_holders(added, duplicates)
    return added


@router.get("/documents/{doc_id}", summary="单个文档的元数据")
def get_document(doc_id: str, services: ServicesDep) -> DocumentMeta:
    doc = services.kb.get_document(doc_id)
    if doc is None:
        raise NotFoundError(f"知识库中没有编号为「{doc_id}」的文档。", f"no document {doc_id!r}")
    return doc


@router.delete("/documents/{doc_id}", summary="从知识库删除文档")
def delete_document(doc_id: str, services: ServicesDep) -> RemovedDocument:
    removed = services.kb.remove(doc_id)
    if removed.source:  # a file uploaded through the API or UI goes with its document
        remove_upload(Path(removed.source), Path(services.settings.data_dir))
    return RemovedDocument(**removed.model_dump(), note=removal_note(removed))
