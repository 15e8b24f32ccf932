"""POST /collusion: 投标文件雷同分析 of one tender's bids (JSON, or a Markdown / DOCX report)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from assistant.api.common import DOCX_MEDIA_TYPE, ServicesDep, attachment, report_download_responses
from assistant.collusion.models import CollusionReport
from assistant.collusion.pipeline import MAX_BIDS, MIN_BIDS
from assistant.errors import InputFileError
from assistant.uploads import BID_SUFFIXES, store_stream

router = APIRouter(tags=["投标文件雷同分析"])

REPORT_STEM = "投标文件雷同分析报告"


def _remove_all(paths: list[Path]) -> None:
    for p in paths:
        shutil.rmtree(p.parent, ignore_errors=True)


@router.post(
    "/collusion",
    summary="投标文件雷同分析（围标串标预警）：JSON 结果，或 Markdown / DOCX 报告下载",
    response_model=CollusionReport,
    responses=report_download_responses("format=json：分析结果；format=md / docx：分析报告文件"),
)
async def collusion(
    services: ServicesDep,
    tender: Annotated[UploadFile, File(description="招标文件（DOCX / PDF）")],
    bids: Annotated[list[UploadFile], File(alias="bids[]", description=f"投标文件（DOCX / PDF），{MIN_BIDS}–{MAX_BIDS} 份")],
    format: Annotated[Literal["json", "md", "docx"], Form(description="报告格式")] = "json",
) -> Response:
    data_dir = Path(services.settings.data_dir)
    limit = services.settings.max_upload_bytes
    stored: list[Path] = []
    try:
        names = [b.filename or f"投标文件{i + 1}" for i, b in enumerate(bids)]
        if len(set(names)) != len(names):
            raise InputFileError("上传的投标文件中有重名文件，请改名后再上传。", f"duplicate names {names}")
        for upload in (tender, *bids):
            stored.append(await run_in_threadpool(store_stream, upload.file, upload.filename, data_dir,
                                                  kind="collusion", allowed=BID_SUFFIXES, max_bytes=limit))
        report = await run_in_threadpool(services.collusion.analyze, stored[0], stored[1:])
        from assistant.collusion import report as render

        if format == "json":
            return JSONResponse(report.model_dump(mode="json"))
        if format == "md":
            return Response(render.render_markdown(report), media_type="text/markdown; charset=utf-8",
                            headers=attachment(f"{REPORT_STEM}.md"))
        out = stored[0].parent / f"{REPORT_STEM}.docx"
        await run_in_threadpool(render.render_docx, report, out)
        keep = list(stored)
        stored.clear()  # removed after the download by the background task
        return FileResponse(out, media_type=DOCX_MEDIA_TYPE, headers=attachment(out.name),
                            background=BackgroundTask(_remove_all, keep))
    finally:
        _remove_all(stored)
