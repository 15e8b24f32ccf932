"""The locked door (issue #18): with login on, no route of the web app answers without credentials,
password guessing is throttled, and the CLI/REST limits speak Chinese with the right status codes.

The sweep walks the app's own route table (REST, /openapi.json, the UI and every Gradio internal
route mounted under "/"), so a route added later is swept too.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from subprocess import Popen

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route, WebSocketRoute
from web_fixtures import web_settings

from assistant.services import Services

USER, PASSWORD = "审核员", "s3cret-密码"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from assistant.ui.server import create_web_app

    tmp = tmp_path_factory.mktemp("door")
    settings = web_settings(tmp, username=USER, password=PASSWORD)
    settings.limits.login_max_failures = 5
    settings.limits.login_lockout_s = 60
    return TestClient(create_web_app(services=Services(settings)), raise_server_exceptions=False)


def _concrete(path: str) -> str:
    """A request path for a route pattern: every {param} / {param:path} gets a harmless value."""
    return re.sub(r"\{[^}]+\}", "x1", path)


def _all_routes(app: object, prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every (path, methods) reachable in `app`: mounts and included routers expanded."""
    out: list[tuple[str, set[str]]] = []
    for route in getattr(app, "routes", []):
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165 keeps include_router lazy
        if included is not None:
            out.extend(_all_routes(included, prefix + route.include_context.prefix))
        elif isinstance(route, Mount):
            out.extend(_all_routes(route.app, prefix + route.path))
        elif isinstance(route, Route):
            out.append((prefix + route.path, set(route.methods or {"GET"})))
        elif isinstance(route, WebSocketRoute):
            out.append((prefix + route.path, {"WEBSOCKET"}))
    return out


def _basic(user: str, password: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_every_route_refuses_without_credentials(web: TestClient) -> None:
    from assistant.ui.gate import LoginGate

    routes = _all_routes(web.app)
    assert len(routes) > 40, routes  # REST + Gradio internals: the table really was walked
    paths = {p for p, _ in routes}
    for required in ("/openapi.json", "/api/v1/search", "/gradio_api/heartbeat/{session_hash}",
                     "/gradio_api/cancel", "/gradio_api/reset"):
        assert required in paths, required
    answered: list[tuple[str, str, int]] = []
    swept = 0
    for path, methods in routes:
        url = _concrete(path) or "/"
        for method in sorted(methods - {"HEAD", "WEBSOCKET"}):
            swept += 1
            resp = web.request(method, url)
            if LoginGate.is_public(url) and method == "GET":
                # the login page and its static files: never the app's data
                assert ("招标文件审查" not in resp.text and "知识库" not in resp.text) or resp.status_code != 200, url
                continue
            if url.rstrip("/") == "/login" and method == "POST":  # the door itself: refuses an empty form
                assert resp.status_code in (400, 422) and "access-token" not in resp.headers.get("set-cookie", "")
                continue
            if resp.status_code != 401:
                answered.append((method, url, resp.status_code))
            else:
                assert resp.json()["error"]["message"].startswith("需要登录")
    assert swept > 40
    assert answered == [], answered
    # the login page's config request is refused by Gradio's own check (the page then shows the form)
    config = web.get("/config")
    assert config.status_code == 401 and "components" not in config.text


def test_credentials_open_the_door(web: TestClient) -> None:
    ok = web.get("/api/v1/health", headers=_basic(USER, PASSWORD))
    assert ok.status_code == 200, ok.text
    schema = web.get("/openapi.json", headers=_basic(USER, PASSWORD))
    assert schema.status_code == 200 and "/api/v1/search" in schema.text


def test_gradio_login_form_session_passes_the_gate(tmp_path: Path) -> None:
    from assistant.ui.server import create_web_app

    client = TestClient(create_web_app(services=Services(web_settings(tmp_path, username=USER, password=PASSWORD))))
    assert client.get("/gradio_api/info").status_code == 401
    login = client.post("/login", data={"username": USER, "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert client.get("/gradio_api/info").status_code == 200  # the session cookie is accepted
    page = client.get("/config").json()
    assert "招标文件审查" in json.dumps(page, ensure_ascii=False)


def test_password_guessing_is_throttled(tmp_path: Path) -> None:
    from assistant.ui.server import create_web_app

    settings = web_settings(tmp_path, username=USER, password=PASSWORD)
    settings.limits.login_max_failures = 5
    client = TestClient(create_web_app(services=Services(settings)), raise_server_exceptions=False)
    started = time.perf_counter()
    statuses = []
    for i in range(30):
        if i % 2:
            resp = client.get("/api/v1/health", headers=_basic(USER, f"guess-{i}"))
        else:
            resp = client.post("/login", data={"username": USER, "password": f"guess-{i}"})
        statuses.append(resp.status_code)
    elapsed = time.perf_counter() - started
    assert statuses[:5] == [400, 401, 400, 401, 400], statuses  # 5 wrong tries are checked ...
    assert set(statuses[5:]) == {429}, statuses  # ... then the client is locked out
    locked = client.get("/api/v1/health", headers=_basic(USER, PASSWORD))  # even the right password waits
    assert locked.status_code == 429
    assert "秒后再试" in locked.json()["error"]["message"] and int(locked.headers["retry-after"]) > 0
    print(f"30 guesses: {statuses.count(429)} refused by the lockout in {elapsed:.2f} s")


def test_throttle_window_and_lockout_expire() -> None:
    from assistant.ui.gate import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(3, window_s=10, lockout_s=30, clock=lambda: now[0])
    for t in (0.0, 11.0, 22.0):  # spread beyond the window: never locked
        now[0] = t
        throttle.failure("a")
    assert throttle.locked_for("a") == 0
    for _ in range(3):
        throttle.failure("b")
    assert throttle.locked_for("b") == pytest.approx(30)
    assert throttle.locked_for("a") == 0  # per client
    now[0] += 31
    assert throttle.locked_for("b") == 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: Popen[bytes] | None = None, timeout: float = 240) -> None:
    import socket

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not start")


def test_stalled_body_times_out_and_sigterm_exits(tmp_path: Path) -> None:
    """A request declaring 100 KB and sending 10 bytes gets 408; SIGTERM during it ends the server."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    from assistant.config import PROJECT_ROOT

    data = tmp_path / "data"
    Services(web_settings(tmp_path)).kb.build()  # a built KB: app.py starts without building
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ASSISTANT_DATA_DIR": str(data),
           "ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_INCLUDE_CHINA_LAW": "false",
           "ASSISTANT_LIMITS__REQUEST_BODY_TIMEOUT_S": "2", "ASSISTANT_LIMITS__SHUTDOWN_GRACE_S": "5"}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_port(port, proc)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100000\r\n\r\n{\"query\":")
            started = time.perf_counter()
            chunks = [sock.recv(65536)]
            waited = time.perf_counter() - started
            while chunks[-1]:  # headers and body may arrive apart; the server closes the connection
                chunks.append(sock.recv(65536))
            reply = b"".join(chunks).decode("utf-8", "replace")
        print(f"\nstalled body answered after {waited:.1f} s: {reply.splitlines()[0]}")
        assert reply.startswith("HTTP/1.1 408") and "REQUEST_BODY_TIMEOUT_S" in reply
        assert waited < 15
        # a second stalled request, then SIGTERM: the server exits within the grace period
        stalled = socket.create_connection(("127.0.0.1", port), timeout=30)
        stalled.sendall(b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
        time.sleep(0.3)
        started = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        print(f"SIGTERM -> exit {code} after {time.perf_counter() - started:.1f} s")
        stalled.close()
        assert time.perf_counter() - started < 25
        assert b"Traceback" not in (proc.stderr.read() if proc.stderr else b"")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_per_client_job_limit() -> None:
    """A third concurrent review from one client gets 429 naming the env var; others are not affected."""
    import asyncio

    from assistant.ui.timeouts import ClientJobLimitMiddleware

    release = asyncio.Event()

    async def slow_app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    gate = ClientJobLimitMiddleware(slow_app, per_client=2)  # type: ignore[arg-type]

    async def request(client: str) -> int:
        sent: list[dict] = []  # type: ignore[type-arg]

        async def send(message: dict) -> None:  # type: ignore[type-arg]
            sent.append(message)

        async def receive() -> dict:  # type: ignore[type-arg]
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {"type": "http", "method": "POST", "path": "/api/v1/review", "client": (client, 1)}
        await gate(scope, receive, send)  # type: ignore[arg-type]
        if sent[0]["status"] == 429:
            assert "ASSISTANT_LIMITS__JOBS_PER_CLIENT" in sent[1]["body"].decode()
        return int(sent[0]["status"])

    async def main() -> list[int]:
        tasks = [asyncio.create_task(request("10.0.0.1")) for _ in range(3)]
        tasks.append(asyncio.create_task(request("10.0.0.2")))
        await asyncio.sleep(0.05)
        release.set()
        return list(await asyncio.gather(*tasks))

    statuses = asyncio.run(main())
    assert sorted(statuses[:3]) == [200, 200, 429] and statuses[3] == 200
    assert gate.running == {}
