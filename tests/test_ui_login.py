"""The login page and lockout as a web user meets them: Chinese page head, no setting names."""

from __future__ import annotations

import base64
from pathlib import Path

from fastapi.testclient import TestClient
from web_fixtures import web_settings

from assistant.services import Services
from assistant.ui.html_lang import LOCALE_SCRIPT, PAGE_TITLE

USER, PASSWORD = "admin", "s3cret-Pass"


def _client(tmp_path: Path, **limits: int) -> TestClient:
    from assistant.ui.server import create_web_app

    settings = web_settings(tmp_path, username=USER, password=PASSWORD)
    for key, value in limits.items():
        setattr(settings.limits, key, value)
    return TestClient(create_web_app(services=Services(settings)), raise_server_exceptions=False)


def test_login_page_head_is_chinese_and_asks_gradio_for_chinese_widgets(tmp_path: Path) -> None:
    page = _client(tmp_path).get("/")
    assert page.status_code == 200 and '"auth_required": true' in page.text.replace(":true", ": true")
    head = page.text.split("<script>window.gradio_config")[0]
    assert 'lang="zh-CN"' in head and f"<title>{PAGE_TITLE}</title>" in head
    assert f'<meta property="og:title" content="{PAGE_TITLE}" />' in head
    for english in ('content="Gradio"', "Click to try out the app!", "raw.githubusercontent.com", "@Gradio", "gradio.app"):
        assert english not in head, english
    # the browser language (「登录」「用户名」「密码」 in Gradio's login form) is set before Gradio's own scripts run
    assert LOCALE_SCRIPT in head and page.text.index(LOCALE_SCRIPT) < page.text.index("<script type=\"module\"")
    assert int(page.headers["content-length"]) == len(page.content)


def test_lockout_message_names_no_environment_variable(tmp_path: Path) -> None:
    client = _client(tmp_path, login_max_failures=2)
    wrong = {"Authorization": "Basic " + base64.b64encode(f"{USER}:nope".encode()).decode()}
    assert [client.get("/api/v1/health", headers=wrong).status_code for _ in range(2)] == [401, 401]
    message = client.get("/api/v1/health", headers=wrong).json()["error"]["message"]
    assert "秒后再试，或联系管理员" in message
    assert "ASSISTANT_" not in message and "环境变量" not in message
