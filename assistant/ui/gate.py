"""The locked door in front of the whole web app (REST, schema, UI and Gradio's internal routes).

Why a middleware of its own: Gradio checks its login on *some* routes only (`/openapi.json`,
`heartbeat`, `cancel`, `reset` answered without it), and nothing limited password guessing. When
login is on, this gate runs before any route: a request passes only with valid HTTP Basic
credentials or a session cookie from Gradio's login form; everything else gets 401, except the
few files the login page itself needs. Wrong passwords (Basic or the login form) are counted per
client; after `limits.login_max_failures` within `login_window_s` the client is locked out for
`login_lockout_s` (429, no password is even checked).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.basic_auth import parse_basic

log = logging.getLogger("assistant.web.gate")

#: What the login page needs before anyone has logged in (static files, its config stub, the form).
PUBLIC_EXACT = frozenset({"/", "/config", "/config/", "/login", "/login/", "/favicon.ico", "/theme.css",
                          "/gradio_api/theme.css", "/manifest.json", "/robots.txt"})
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon", "/gradio_api/static/")


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    """Counts wrong passwords per client and locks a client out after too many."""

    def __init__(self, max_failures: int, window_s: float, lockout_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str) -> float:
        """Seconds left in the client's lockout (0 when it may try)."""
        with self._lock:
            rec = self._records.get(client)
            return max(0.0, rec.locked_until - self.clock()) if rec else 0.0

    def failure(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            rec = self._records.setdefault(client, _Record())
            rec.failures = [t for t in rec.failures if now - t < self.window_s] + [now]
            if len(rec.failures) >= self.max_failures:
                rec.locked_until = now + self.lockout_s
                rec.failures = []
                log.warning("login locked for %s for %.0f s after %d wrong passwords", client, self.lockout_s,
                            self.max_failures)
            if len(self._records) > 10_000:  # bounded memory under a spray of clients
                for key in [k for k, r in self._records.items() if r.locked_until < now and not r.failures]:
                    del self._records[key]

    def success(self, client: str) -> None:
        with self._lock:
            rec = self._records.get(client)
            if rec is not None and rec.locked_until <= self.clock():
                del self._records[client]


def _cookies(headers: dict[bytes, bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep:
            out[key] = value
    return out


class LoginGate:
    """ASGI middleware: no credentials, no answer (see module docstring)."""

    def __init__(self, app: ASGIApp, *, username: str, password: str, throttle: LoginThrottle,
                 session_valid: Callable[[dict[str, str]], bool]) -> None:
        self.app = app
        self.user = username.encode("utf-8")
        self.pwd = password.encode("utf-8")
        self.throttle = throttle
        self.session_valid = session_valid

    @staticmethod
    def is_public(path: str) -> bool:
        return path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        client = (scope.get("client") or ("?", 0))[0]
        path = scope.get("path", "")
        creds = parse_basic(headers.get(b"authorization", b"").decode("latin-1"))
        is_login_form = path.rstrip("/") == "/login" and scope.get("method") == "POST"
        locked = self.throttle.locked_for(client)
        if locked and (creds is not None or is_login_form):
            await self._deny(scope, send, 429, f"密码错误次数过多，请 {int(locked) + 1} 秒后再试，或联系管理员。",
                             {"Retry-After": str(int(locked) + 1)})
            return
        if creds is not None:
            if secrets.compare_digest(creds[0], self.user) and secrets.compare_digest(creds[1], self.pwd):
                self.throttle.success(client)
                await self.app(scope, receive, send)
                return
            self.throttle.failure(client)
            log.info("wrong Basic credentials from %s on %s", client, path)
            await self._deny(scope, send, 401, "用户名或密码不正确。")
            return
        if self.session_valid(_cookies(headers)):
            await self.app(scope, receive, send)
            return
        if is_login_form:
            await self.app(scope, receive, self._watch_login(client, send))
            return
        if self.is_public(path) and scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        await self._deny(scope, send, 401, "需要登录：请提供正确的用户名和密码。")

    def _watch_login(self, client: str, send: Send) -> Send:
        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.throttle.success(client)
                elif message["status"] in (400, 401, 403):
                    self.throttle.failure(client)
                    log.info("wrong password on the login form from %s", client)
            await send(message)

        return watched

    @staticmethod
    async def _deny(scope: Scope, send: Send, status: int, message: str,
                    extra: dict[str, str] | None = None) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401 if status == 401 else 4429})
            return
        code = "unauthorized" if status == 401 else "too_many_attempts"
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        if status == 401:
            headers.append((b"www-authenticate", b'Basic realm="tender-assistant", charset="UTF-8"'))
        for key, value in (extra or {}).items():
            headers.append((key.lower().encode(), value.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
