"""Refuse API request bodies over the upload limit: by Content-Length, and while streaming.

Why here and not in the route: FastAPI parses multipart bodies (spooling them to disk) before the
route runs, so the route would only see an oversized file after it was received whole.
"""

from __future__ import annotations

import contextlib
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.common import API_PREFIX

log = logging.getLogger("assistant.api")

#: multipart framing on top of the file itself (boundaries, headers, small form fields)
MULTIPART_SLACK = 256 * 1024


class _BodyTooLarge(Exception):
    pass


class UploadLimitMiddleware:
    """ASGI middleware: a 413 JSON error instead of receiving an oversized body."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefix: str = API_PREFIX) -> None:
        self.app = app
        self.limit = max_bytes + MULTIPART_SLACK
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def _refuse(self, send: Send) -> None:
        mb = self.max_bytes // (1024 * 1024)
        body = json.dumps(
            {"error": {"code": "file_too_large", "message": f"上传内容超过大小上限 {mb} MB，请压缩或拆分后再上传。"}},
            ensure_ascii=False,
        ).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _declared_too_large(self, scope: Scope) -> bool:
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is None:
            return False
        try:
            too_large = int(length) > self.limit
        except ValueError:
            return False
        if too_large:
            log.warning("refused %s: Content-Length %s > %s", scope["path"], length, self.limit)
        return too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix) or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if self._declared_too_large(scope):
            await self._refuse(send)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's reaction to the aborted body is replaced by our 413
            started = True
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            log.warning("refused %s: body over %s bytes while streaming", scope["path"], self.limit)
            await self._refuse(send)
