"""POST /review: review an uploaded tender; a JSON report, or a Markdown / DOCX 审查意见书."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from assistant.api.common import (
    DOCX_MEDIA_TYPE,
    ServicesDep,
    attachment,
    report_download_responses,
    report_stem,
)
from assistant.errors import NotATenderError
from assistant.schema import ReviewReport
from assistant.uploads import REVIEW_SUFFIXES, remove_upload, store_stream

router = APIRouter(tags=["招标文件审查"])



@router.post(
    "/review",
    summary="招标文件风险审查（JSON 报告，或 Markdown / DOCX 审查意见书下载）",
    response_model=ReviewReport,
    responses=report_download_responses("format=json：审查报告；format=md / docx：审查意见书文件"),
)
async def review(
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="招标文件（DOCX / PDF / TXT / MD）")],
    format: Annotated[Literal["json", "md", "docx"], Form(description="报告格式")] = "json",
    force: Annotated[bool, Form(description="文件看起来不是招标文件时仍然审查（报告开头注明）")] = False,
) -> Response:
    data_dir = Path(services.settings.data_dir)
    stored = await run_in_threadpool(
        store_stream, file.file, file.filename, data_dir,
        kind="review", allowed=REVIEW_SUFFIXES, max_bytes=services.settings.max_upload_bytes,
    )
    try:
        try:
            report = await run_in_threadpool(services.reviewer.review, stored, force=force)
        except NotATenderError as exc:
            raise exc.with_hint("如确需审查，请在表单中加上字段 force=true 后重新提交。") from None
        report.file = stored.name  # the uploaded file's name, not where the server keeps it
        if format == "json":
            return JSONResponse(report.model_dump(mode="json"))
        from assistant.review import report as render

        stem = report_stem(stored.name)
        if format == "md":
            text = await run_in_threadpool(render.render_markdown, report)
            return Response(text, media_type="text/markdown; charset=utf-8", headers=attachment(stem + ".md"))
        out = stored.parent / (stem + ".docx")
        await run_in_threadpool(render.render_docx, report, out)
        return FileResponse(
            out,
            media_type=DOCX_MEDIA_TYPE,
            headers=attachment(out.name),
            background=BackgroundTask(remove_upload, stored, data_dir),
        )
    finally:
        if format != "docx":
            remove_upload(stored, data_dir)
