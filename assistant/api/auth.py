"""HTTP Basic protection of /api/v1 (when settings.app.username/password are set)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.basic_auth import parse_basic
from assistant.config import Settings


def basic_auth(settings: Settings) -> Callable[[Request], str]:
    """A dependency that admits only the configured user (compared in constant time)."""
    user = (settings.app.username or "").encode("utf-8")
    pwd = (settings.app.password.get_secret_value() if settings.app.password else "").encode("utf-8")

    def check(request: Request) -> str:
        creds = parse_basic(request.headers.get("authorization", ""))
        if creds is None or not (secrets.compare_digest(creds[0], user) and secrets.compare_digest(creds[1], pwd)):
            raise StarletteHTTPException(401, headers={"WWW-Authenticate": 'Basic realm="tender-assistant"'})
        return creds[0].decode("utf-8", "replace")

    return check
