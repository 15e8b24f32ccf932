"""REST route `POST /api/v1/collusion` (multipart: `tender`, `bids[]`): 投标文件雷同分析.

A separate router so that the API package split stays untouched; included with one line in
`assistant.api.create_app`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from assistant.config import Settings
from assistant.errors import InputFileError
from assistant.services import Services
from assistant.uploads import store_stream

COLLUSION_SUFFIXES = (".docx", ".pdf")
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_collusion_router(settings: Settings) -> APIRouter:
    from assistant.api import API_PREFIX, _attachment, _basic_auth

    dependencies = []
    if settings.app.username and settings.app.password:
        dependencies.append(Depends(_basic_auth(settings)))
    router = APIRouter(prefix=API_PREFIX, dependencies=dependencies)

    @router.post(
        "/collusion",
        summary="投标文件雷同分析（围标串标预警）：JSON 结果，或 Markdown / DOCX 报告下载",
        tags=["投标文件雷同分析"],
        responses={200: {"content": {"application/json": {}, "text/markdown": {}, DOCX_MEDIA: {}}}},
    )
    async def collusion(
        request: Request,
        tender: Annotated[UploadFile, File(description="招标文件（DOCX / PDF）")],
        bids: Annotated[list[UploadFile], File(alias="bids[]", description="投标文件（DOCX / PDF），2–30 份")],
        format: Annotated[Literal["json", "md", "docx"], Form(description="报告格式")] = "json",
    ) -> Response:
        services: Services = request.app.state.services
        data_dir = Path(services.settings.data_dir)
        limit = services.settings.max_upload_bytes
        stored: list[Path] = []

        def cleanup() -> None:
            for p in stored:
                shutil.rmtree(p.parent, ignore_errors=True)

        try:
            names = [b.filename or f"投标文件{i + 1}" for i, b in enumerate(bids)]
            if len(set(names)) != len(names):
                raise InputFileError("上传的投标文件中有重名文件，请改名后再上传。", f"duplicate names {names}")
            t_path = await run_in_threadpool(store_stream, tender.file, tender.filename, data_dir,
                                             kind="collusion", allowed=COLLUSION_SUFFIXES, max_bytes=limit)
            stored.append(t_path)
            for b in bids:
                stored.append(await run_in_threadpool(store_stream, b.file, b.filename, data_dir,
                                                      kind="collusion", allowed=COLLUSION_SUFFIXES, max_bytes=limit))
            report = await run_in_threadpool(services.collusion.analyze, t_path, stored[1:])
            from assistant.collusion import report as render

            if format == "json":
                return JSONResponse(report.model_dump(mode="json"))
            if format == "md":
                return Response(render.render_markdown(report), media_type="text/markdown; charset=utf-8",
                                headers=_attachment("投标文件雷同分析报告.md"))
            out = t_path.parent / "投标文件雷同分析报告.docx"
            await run_in_threadpool(render.render_docx, report, out)
            keep = list(stored)
            stored.clear()  # removed after the download by the background task

            def remove_later() -> None:
                for p in keep:
                    shutil.rmtree(p.parent, ignore_errors=True)

            return FileResponse(out, media_type=DOCX_MEDIA, headers=_attachment(out.name), background=BackgroundTask(remove_later))
        finally:
            cleanup()

    return router
