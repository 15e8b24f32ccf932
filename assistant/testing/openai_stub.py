"""A small, real OpenAI-compatible HTTP server for tests (loopback, free port, own thread).

Speaks `POST /v1/chat/completions` (JSON and SSE streaming) and `GET /v1/models`. Replies are
scripted (`server.queue("text", ...)`, else a responder callable), and failure modes exercise
the client's wire path: `slow` (sleeps past the client timeout), `error500`, `malformed`
(HTTP 200 with a body that is not JSON), `bad_shape` (JSON without `choices`); an unknown model
name gets the 404 an OpenAI server sends. Every request body is recorded in `server.requests`.

Usage::

    with OpenAIStubServer(models=["qwen-test"]) as srv:
        srv.queue("你好[1]")
        ChatOpenAI(base_url=srv.base_url, api_key="x", model="qwen-test").invoke("hi")
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OpenAIStubServer:
    """Scriptable chat-completions server bound to 127.0.0.1 on a free port."""

    def __init__(self, models: list[str] | None = None, chunk_size: int = 3) -> None:
        self.models = list(models or ["stub-model"])
        self.chunk_size = chunk_size
        self.mode = "ok"  # ok | slow | error500 | malformed | bad_shape
        self.delay_s = 5.0
        self.responder: Callable[[list[dict[str, Any]]], str] | None = None
        self.requests: list[dict[str, Any]] = []
        self._replies: deque[str] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> OpenAIStubServer:
        server = self

        class Handler(_Handler):
            stub = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="openai-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> OpenAIStubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ scripting
    def queue(self, *replies: str) -> OpenAIStubServer:
        with self._lock:
            self._replies.extend(replies)
        return self

    def next_reply(self, messages: list[dict[str, Any]]) -> str:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self.responder is not None:
            return self.responder(messages)
        last = messages[-1]["content"] if messages else ""
        return f"收到：{str(last)[:20]}"


class _QuietServer(ThreadingHTTPServer):
    """Ignores clients that hang up early (a timed-out client is expected in tests)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    stub: OpenAIStubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    # ------------------------------------------------------------------ helpers
    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send_raw(status, body, "application/json")

    def _send_raw(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, etype: str, code: str | None = None) -> None:
        self._send_json(status, {"error": {"message": message, "type": etype, "param": None, "code": code}})

    # ------------------------------------------------------------------ routes
    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "stub"} for m in self.stub.models]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._error(404, f"no route {self.path}", "invalid_request_error")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"no route {self.path}", "invalid_request_error")
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._error(400, "request body is not JSON", "invalid_request_error")
            return
        with self.stub._lock:
            self.stub.requests.append(body)
        model = body.get("model")
        if model not in self.stub.models:
            self._error(404, f"The model `{model}` does not exist.", "invalid_request_error", "model_not_found")
            return
        mode = self.stub.mode
        if mode == "slow":
            time.sleep(self.stub.delay_s)
        if mode == "error500":
            self._error(500, "internal error (stub)", "server_error")
            return
        if mode == "malformed":
            self._send_raw(200, b'{"id": "x", "choices": [ {"message": ', "application/json")
            return
        if mode == "bad_shape":
            self._send_json(200, {"id": "x", "object": "chat.completion", "unexpected": True})
            return
        text = self.stub.next_reply(body.get("messages") or [])
        if body.get("stream"):
            self._stream(model, text)
        else:
            self._send_json(200, _completion(model, text))

    def _stream(self, model: str, text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        size = max(1, self.stub.chunk_size)
        created = int(time.time())

        def event(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {
                "id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

        event({"role": "assistant", "content": ""})
        for i in range(0, len(text), size):
            event({"content": text[i : i + size]})
        event({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": max(1, len(text)), "total_tokens": 1 + len(text)},
    }
