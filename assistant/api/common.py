"""What every route module shares: the prefix, the Services dependency, attachment headers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from assistant.services import Services

API_PREFIX = "/api/v1"


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for a download with a Chinese file name (RFC 6266 filename*)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def report_stem(original: str) -> str:
    return f"{Path(original).stem or '招标文件'}_审查意见书"


DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_download_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The documented 200 of a route that answers JSON, or a Markdown / DOCX report file (`format`)."""
    return {200: {
        "description": description,
        "content": {
            "text/markdown": {"schema": {"type": "string"}},
            DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }}
