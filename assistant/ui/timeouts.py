"""Request-body timeout: a client that declares a body and then stalls is answered 408 and dropped.

Why: without it a request that sends less than its Content-Length holds a connection (and, for an
upload, a worker) open for ever. Idle keep-alive connections and SIGTERM are uvicorn's settings
(`timeout_keep_alive`, `timeout_graceful_shutdown`), passed by `assistant.ui.server.serve`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.web.timeouts")


class _BodyStalled(Exception):
    pass


class BodyTimeoutMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: C901 - one ASGI wrapper with its closures
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False
        started = False
        stalled = False

        async def timed_receive() -> Message:
            nonlocal body_done, stalled
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                stalled = True  # FastAPI turns this into a 400 "error parsing the body": replaced below
                raise _BodyStalled() from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if stalled and not started:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_BodyStalled):
            await self.app(scope, timed_receive, tracking_send)
        if stalled:
            log.warning("request body of %s %s stalled for %.0f s: dropped", scope.get("method"), scope.get("path"),
                        self.seconds)
            if not started:
                body = json.dumps({"error": {"code": "request_timeout", "message": (
                    f"请求内容在 {self.seconds:.0f} 秒内没有传完，连接已关闭（可通过环境变量 "
                    "ASSISTANT_LIMITS__REQUEST_BODY_TIMEOUT_S 调整）。")}}, ensure_ascii=False).encode("utf-8")
                await send({"type": "http.response.start", "status": 408,
                            "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})


#: routes that start long work (a review, an import): limited per client
HEAVY_ROUTES = ("/api/v1/review", "/api/v1/documents")


class ClientJobLimitMiddleware:
    """At most `per_client` reviews/imports running at once per client address (429 beyond).

    Why: ten hostile uploads from one client once held every worker; other users' chat waited.
    """

    def __init__(self, app: ASGIApp, per_client: int) -> None:
        self.app = app
        self.per_client = per_client
        self.running: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in HEAVY_ROUTES:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self.running.get(client, 0) >= self.per_client:
            log.warning("client %s over %d concurrent jobs", client, self.per_client)
            body = json.dumps({"error": {"code": "too_many_jobs", "message": (
                f"您已有 {self.per_client} 个审查或导入任务正在进行，请等待完成后再提交（每个客户端并发任务数上限为 "
                f"{self.per_client}，管理员可通过环境变量 ASSISTANT_LIMITS__JOBS_PER_CLIENT 调整）。")}},
                ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode()), (b"retry-after", b"5")]})
            await send({"type": "http.response.body", "body": body})
            return
        self.running[client] = self.running.get(client, 0) + 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.running[client] -= 1
            if not self.running[client]:
                del self.running[client]
