"""HTTP Basic protection of /api/v1 (when settings.app.username/password are set)."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.config import Settings


def parse_basic(authorization: str) -> tuple[bytes, bytes] | None:
    """(user, password) as UTF-8 bytes from an `Authorization: Basic …` value, else None.

    Why not fastapi's HTTPBasic: it decodes the credentials as ASCII, so a Chinese user name or
    password (审核员) could never log in; browsers and curl send them as UTF-8 bytes. Used by the
    /api/v1 dependency below and by the web app's login gate (`assistant.ui.gate`).
    """
    scheme, _, param = authorization.partition(" ")
    if scheme.lower() != "basic" or not param:
        return None
    try:
        raw = base64.b64decode(param.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    user, sep, pwd = raw.partition(b":")
    return (user, pwd) if sep else None


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
