"""HTTP Basic credentials as the REST API and the web app's login gate both read them."""

from __future__ import annotations

import base64
import binascii


def parse_basic(authorization: str) -> tuple[bytes, bytes] | None:
    """(user, password) as UTF-8 bytes from an `Authorization: Basic …` value, else None.

    Why not fastapi's HTTPBasic: it decodes the credentials as ASCII, so a Chinese user name or
    password (审核员) could never log in; browsers and curl send them as UTF-8 bytes. Used by the
    /api/v1 dependency (`assistant.api.auth`) and the web app's login gate (`assistant.ui.gate`).
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
